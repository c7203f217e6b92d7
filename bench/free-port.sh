# Sourced by the benchmark scripts: free_port prints a TCP port on which
# nothing listens now, so that a benchmark never collides with another
# server (or another benchmark) on the machine.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
    done
}
