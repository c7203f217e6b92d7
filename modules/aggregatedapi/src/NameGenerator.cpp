#include "NameGenerator.h"

#include <random>

namespace kiod::aggregatedapi {

std::string NameGenerator::fromPrefix(const std::string& prefix) {
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    thread_local std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
    std::string name = prefix.substr(0, 58);
    for (int i = 0; i < 5; ++i) {
        name += kAlphabet[pick(random)];
    }
    return name;
}

}  // namespace kiod::aggregatedapi
