#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <optional>
#include <string>

namespace kiod::metrics {

// The standard process metrics, named as Prometheus' own client libraries
// name them (process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds), read from /proc at scrape time.
class ProcessCollector : public prometheus::Collectable {
public:
    // The parts of /proc/self/stat that the metrics need.
    struct Stat {
        double cpuSeconds = 0;
        double startTimeSeconds = 0;  // since boot
        double virtualBytes = 0;
        double residentBytes = 0;
    };

    // Parses a /proc/PID/stat line. The command name (field 2) may hold
    // spaces and parentheses, so fields are counted from the last ')'.
    static std::optional<Stat> parseStat(const std::string& line, long ticksPerSecond,
                                         long pageSize);

    std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace kiod::metrics
