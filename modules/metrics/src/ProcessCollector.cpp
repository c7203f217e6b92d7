#include "ProcessCollector.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace kiod::metrics {

namespace {

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter) {
        metric.counter.value = value;
    } else {
        metric.gauge.value = value;
    }
    return {name, help, type, {metric}};
}

std::string readFirstLine(const char* path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

double bootTimeSeconds() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime") {
            in >> value;
            return value;
        }
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return 0;
}

double openFileDescriptors() {
    std::error_code error;
    double count = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
         it.increment(error)) {
        ++count;
    }
    return count;
}

}  // namespace

std::optional<ProcessCollector::Stat> ProcessCollector::parseStat(const std::string& line,
                                                                  long ticksPerSecond,
                                                                  long pageSize) {
    auto close = line.rfind(')');
    if (close == std::string::npos || ticksPerSecond <= 0) {
        return std::nullopt;
    }
    // After the command: field 3 (state) onwards.
    std::istringstream fields(line.substr(close + 1));
    std::vector<std::string> values;
    for (std::string value; fields >> value;) {
        values.push_back(value);
    }
    // Fields are numbered from 1 in proc(5); values[0] is field 3.
    auto field = [&](int number) { return std::stod(values.at(number - 3)); };
    try {
        Stat stat;
        stat.cpuSeconds = (field(14) + field(15)) / static_cast<double>(ticksPerSecond);
        stat.startTimeSeconds = field(22) / static_cast<double>(ticksPerSecond);
        stat.virtualBytes = field(23);
        stat.residentBytes = field(24) * static_cast<double>(pageSize);
        return stat;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
    using prometheus::MetricType;
    std::vector<prometheus::MetricFamily> families;
    auto stat =
        parseStat(readFirstLine("/proc/self/stat"), sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE));
    if (stat) {
        families.push_back(family("process_cpu_seconds_total",
                                  "Total user and system CPU time spent in seconds.",
                                  MetricType::Counter, stat->cpuSeconds));
        families.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.",
                                  MetricType::Gauge, stat->residentBytes));
        families.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                  MetricType::Gauge, stat->virtualBytes));
        families.push_back(family("process_start_time_seconds",
                                  "Start time of the process since unix epoch in seconds.",
                                  MetricType::Gauge, bootTimeSeconds() + stat->startTimeSeconds));
    }
    families.push_back(family("process_open_fds", "Number of open file descriptors.",
                              MetricType::Gauge, openFileDescriptors()));
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        families.push_back(family("process_max_fds", "Maximum number of open file descriptors.",
                                  MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
    }
    return families;
}

}  // namespace kiod::metrics
