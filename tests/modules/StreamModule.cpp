// A module for the end-to-end tests only: detached response streams fed
// from a thread of its own, as a watch fan-out would feed them.
//
//   GET  /stream/watch            detaches; the body starts with "id=N\n"
//   POST /stream/broadcast?data=D&count=C
//                                 writes "D-0\n" .. "D-(C-1)\n" to every
//                                 stream: "written=W refused=R" (streams)
//   POST /stream/flood?id=N       writes 16 KiB chunks to stream N until
//                                 write() refuses: "refused=1" (or 0 if it
//                                 took 1 GiB without refusing)
//   POST /stream/close[?id=N]     closes every stream (or stream N):
//                                 "closed=C" (how many were open)
//   GET  /stream/ended?REASON=N   waits up to 10 s until N streams ended for
//                                 REASON, then counts them all:
//                                 "disconnected=A too_slow=B shutdown=C twice=D"
//                                 (twice: onEnd calls beyond the first)
//
// [streamtest] max_unsent sets StreamOptions::maxUnsent.
#include <kiod/ConfigSection.h>
#include <kiod/Module.h>
#include <kiod/ModuleContext.h>
#include <kiod/ResponseStream.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using kiod::StreamEnd;

// The streams, the ends seen, and the thread that writes to them.
class Fanout {
public:
    Fanout() : thread_([this] { run(); }) {}
    ~Fanout() { stop(); }

    // Ends the thread and lets the streams go.
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
        std::lock_guard lock(mutex_);
        streams_.clear();
    }

    // Keeps `stream`, and sets `id` to its number, which onEnd reports.
    void add(std::shared_ptr<kiod::ResponseStream> stream, int& id) {
        std::lock_guard lock(mutex_);
        id = static_cast<int>(streams_.size());
        streams_.push_back(std::move(stream));
    }

    void ended(const int& id, StreamEnd reason) {
        {
            std::lock_guard lock(mutex_);
            if (++endCalls_[id] > 1) {
                ++twice_;
            }
            ++ends_[reason];
        }
        changed_.notify_all();
    }

    // Runs `task` on the fan-out's own thread with the streams, and returns
    // its answer.
    std::string onThread(
        std::function<std::string(std::vector<std::shared_ptr<kiod::ResponseStream>>&)> task) {
        std::packaged_task<std::string()> job([this, task = std::move(task)] {
            std::vector<std::shared_ptr<kiod::ResponseStream>> streams;
            {
                std::lock_guard lock(mutex_);
                streams = streams_;
            }
            return task(streams);
        });
        auto answer = job.get_future();
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        changed_.notify_all();
        return answer.get();
    }

    std::string waitForEnds(StreamEnd reason, int count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return ends_[reason] >= count; });
        return countsLocked();
    }

    std::string counts() {
        std::lock_guard lock(mutex_);
        return countsLocked();
    }

private:
    std::string countsLocked() {
        return "disconnected=" + std::to_string(ends_[StreamEnd::kDisconnected]) +
               " too_slow=" + std::to_string(ends_[StreamEnd::kTooSlow]) +
               " shutdown=" + std::to_string(ends_[StreamEnd::kShutdown]) +
               " twice=" + std::to_string(twice_);
    }

    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) {
                return;
            }
            auto job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            job();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::shared_ptr<kiod::ResponseStream>> streams_;
    std::map<int, int> endCalls_;
    std::map<StreamEnd, int> ends_;
    int twice_ = 0;
    std::deque<std::packaged_task<std::string()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

void answer(Poco::Net::HTTPServerResponse& response, const std::string& text) {
    response.setContentType("text/plain");
    response.sendBuffer(text.data(), text.size());
}

class StreamModule : public kiod::Module {
public:
    std::string name() const override { return "streamtest"; }

    void configure(kiod::ConfigSection& section) override {
        maxUnsent_ = static_cast<std::size_t>(
            section.getInt("max_unsent", static_cast<int>(maxUnsent_), 1, 1 << 30));
    }

    void initialize(kiod::ModuleContext& context) override {
        logger_ = &context.logger();
        auto& router = context.router();
        router.mount("api", "GET", "/stream/watch",
                     [this](kiod::RouteRequest& request, auto& response) {
                         response.setContentType("text/plain");
                         kiod::StreamOptions options;
                         options.maxUnsent = maxUnsent_;
                         auto id = std::make_shared<int>(-1);
                         options.onEnd = [fanout = fanout_, id](StreamEnd reason) {
                             fanout->ended(*id, reason);
                         };
                         auto stream = request.detach(response, std::move(options));
                         fanout_->add(stream, *id);
                         // Written before the handler returns, so before the event loop
                         // has the stream: it must still go out first.
                         stream->write("id=" + std::to_string(*id) + "\n");
                     });
        router.mount("api", "POST", "/stream/broadcast",
                     [this](kiod::RouteRequest& request, auto& response) {
                         auto data = request.query("data").value_or("event");
                         auto count = std::stoi(request.query("count").value_or("1"));
                         answer(response, fanout_->onThread([&](auto& streams) {
                             int written = 0, refused = 0;
                             for (auto& stream : streams) {
                                 bool ok = true;
                                 for (int i = 0; i < count; ++i) {
                                     ok =
                                         stream->write(data + "-" + std::to_string(i) + "\n") && ok;
                                 }
                                 ++(ok ? written : refused);
                             }
                             return "written=" + std::to_string(written) +
                                    " refused=" + std::to_string(refused);
                         }));
                     });
        router.mount(
            "api", "POST", "/stream/flood", [this](kiod::RouteRequest& request, auto& response) {
                auto id = static_cast<std::size_t>(std::stoi(request.query("id").value_or("0")));
                answer(response, fanout_->onThread([&](auto& streams) {
                    const std::string chunk(16 * 1024, 'x');
                    for (std::size_t sent = 0; sent < (std::size_t{1} << 30);
                         sent += chunk.size()) {
                        if (!streams.at(id)->write(chunk)) {
                            return std::string("refused=1");
                        }
                    }
                    return std::string("refused=0");
                }));
            });
        router.mount("api", "POST", "/stream/close",
                     [this](kiod::RouteRequest& request, auto& response) {
                         auto only = request.query("id");
                         answer(response, fanout_->onThread([&](auto& streams) {
                             int closed = 0;
                             for (std::size_t id = 0; id < streams.size(); ++id) {
                                 if (only && std::to_string(id) != *only) {
                                     continue;
                                 }
                                 closed += streams[id]->isOpen() ? 1 : 0;
                                 streams[id]->close();
                             }
                             return "closed=" + std::to_string(closed);
                         }));
                     });
        router.mount(
            "api", "GET", "/stream/ended", [this](kiod::RouteRequest& request, auto& response) {
                for (auto reason :
                     {StreamEnd::kDisconnected, StreamEnd::kTooSlow, StreamEnd::kShutdown}) {
                    if (auto count = request.query(kiod::toString(reason))) {
                        return answer(response, fanout_->waitForEnds(reason, std::stoi(*count)));
                    }
                }
                answer(response, fanout_->counts());
            });
    }

    // After the listeners drained, so every stream has ended by now.
    void stop() override {
        logger_->information("streams ended: %s", fanout_->counts());
        fanout_->stop();
    }

private:
    std::size_t maxUnsent_ = kiod::StreamOptions{}.maxUnsent;
    std::shared_ptr<Fanout> fanout_ = std::make_shared<Fanout>();
    Poco::Logger* logger_ = nullptr;
};

}  // namespace

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(StreamModule)
POCO_END_MANIFEST
