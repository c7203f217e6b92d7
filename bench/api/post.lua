-- wrk: the same POST body for every request, read from a file (an etcd
-- range request on the JSON gateway).
--   wrk -s bench/api/post.lua URL -- BODY_FILE
function init(args)
    local file = assert(io.open(args[1], "rb"), "cannot read " .. tostring(args[1]))
    wrk.method = "POST"
    wrk.body = file:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    file:close()
end
