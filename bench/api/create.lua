-- wrk: creates, each of an object with a name of its own.
--   wrk -s bench/api/create.lua URL -- kiod TEMPLATE_FILE
--       POST the template (JSON with @NAME@) to URL, a kiod collection.
--   wrk -s bench/api/create.lua URL -- etcd TEMPLATE_FILE PREFIX
--       POST {"key": base64(PREFIX .. name), "value": base64(object)} to
--       URL, etcd's /v3/kv/put.
-- Names are c-RUN-THREAD-N: RUN differs between runs, so that a create never
-- meets an object of an earlier run.
local mode, template, prefix, value64
local counter = 0
local run = string.format("%x", os.time() % 0x1000000)
local thread_id = 0
local threads = 0

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
    local out = {}
    for i = 1, #data, 3 do
        local a, b, c = data:byte(i, i + 2)
        local n = a * 65536 + (b or 0) * 256 + (c or 0)
        local c1 = math.floor(n / 262144) % 64
        local c2 = math.floor(n / 4096) % 64
        local c3 = math.floor(n / 64) % 64
        local c4 = n % 64
        out[#out + 1] = alphabet:sub(c1 + 1, c1 + 1) .. alphabet:sub(c2 + 1, c2 + 1) ..
            (b and alphabet:sub(c3 + 1, c3 + 1) or "=") .. (c and alphabet:sub(c4 + 1, c4 + 1) or "=")
    end
    return table.concat(out)
end

function setup(thread)
    thread:set("thread_id", threads)
    threads = threads + 1
end

function init(args)
    mode = args[1]
    local file = assert(io.open(args[2], "rb"), "cannot read " .. tostring(args[2]))
    template = file:read("*a"):gsub("%s+$", "")
    file:close()
    prefix = args[3] or ""
    if mode == "etcd" then
        -- etcd stores any bytes; one value for every key keeps the generator cheap
        value64 = base64((template:gsub("@NAME@", "c-" .. run)))
    elseif mode ~= "kiod" then
        error("mode is kiod or etcd, not " .. tostring(mode))
    end
end

function request()
    counter = counter + 1
    local name = "c-" .. run .. "-" .. thread_id .. "-" .. counter
    local body
    if mode == "kiod" then
        body = template:gsub("@NAME@", name)
    else
        body = '{"key":"' .. base64(prefix .. name) .. '","value":"' .. value64 .. '"}'
    end
    return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
