#include "train/local_ranks.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace facemix {
namespace {

// How long a rank that is told to stop (SIGTERM) gets before it is killed.
constexpr auto kStopGrace = std::chrono::seconds(10);

std::vector<std::string> own_arguments_without(const std::string& option) {
    std::ifstream file("/proc/self/cmdline", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::vector<std::string> arguments;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = text.find('\0', start);
        arguments.push_back(text.substr(start, end - start));
        start = end == std::string::npos ? text.size() : end + 1;
    }
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == option) {
            ++i;  // and its value
            continue;
        }
        if (arguments[i].starts_with(option + "=")) continue;
        kept.push_back(arguments[i]);
    }
    return kept;
}

std::vector<std::string> rank_environment(int rank, int ranks, int port) {
    const std::map<std::string, std::string> overrides = {
        {"RANK", std::to_string(rank)},         {"WORLD_SIZE", std::to_string(ranks)}, {"LOCAL_RANK", std::to_string(rank)},
        {"LOCAL_WORLD_SIZE", std::to_string(ranks)}, {"MASTER_ADDR", "127.0.0.1"},      {"MASTER_PORT", std::to_string(port)}};
    std::vector<std::string> variables;
    bool threads_set = false;
    for (char** entry = environ; *entry; ++entry) {
        const std::string variable(*entry);
        const std::string name = variable.substr(0, variable.find('='));
        if (overrides.count(name)) continue;
        threads_set = threads_set || name == "OMP_NUM_THREADS";
        variables.push_back(variable);
    }
    for (const auto& [name, value] : overrides) variables.push_back(name + "=" + value);
    if (!threads_set) variables.push_back("OMP_NUM_THREADS=1");
    return variables;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings) pointers.push_back(text.data());
    pointers.push_back(nullptr);
    return pointers;
}

std::string how_it_ended(int status) {
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// Asks the ranks still running to stop, kills those that do not within kStopGrace, and reaps them all.
void stop(std::map<pid_t, int>& running) {
    for (const auto& [pid, rank] : running) ::kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    while (!running.empty()) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            running.erase(pid);
            continue;
        }
        if (pid < 0) break;
        if (std::chrono::steady_clock::now() > deadline)
            for (const auto& [child, rank] : running) ::kill(child, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace

int free_local_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw std::runtime_error(std::string("Could not find a free local port for the ranks (") + std::strerror(errno) + ").");
    return ntohs(address.sin_port);
}

void run_local_ranks(int ranks, const std::string& option) {
    std::vector<std::string> arguments = own_arguments_without(option);
    const std::vector<char*> argv = c_strings(arguments);
    const int port = free_local_port();
    // The ranks get Ctrl-C from the terminal themselves; this process only waits for them.
    const auto previous_interrupt = std::signal(SIGINT, SIG_IGN);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    std::map<pid_t, int> running;
    std::string failure;
    for (int rank = 0; rank < ranks && failure.empty(); ++rank) {
        std::vector<std::string> variables = rank_environment(rank, ranks, port);
        const std::vector<char*> envp = c_strings(variables);
        pid_t pid = 0;
        const int error = posix_spawn(&pid, "/proc/self/exe", nullptr, &attributes, argv.data(), envp.data());
        if (error == 0)
            running.emplace(pid, rank);
        else
            failure = "Could not start rank " + std::to_string(rank) + " (" + std::strerror(error) + ")";
    }
    posix_spawnattr_destroy(&attributes);
    while (!running.empty() && failure.empty()) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        const auto found = running.find(pid);
        if (found == running.end()) continue;
        const int rank = found->second;
        running.erase(found);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failure = "Rank " + std::to_string(rank) + " of " + std::to_string(ranks) + " " + how_it_ended(status);
    }
    if (!failure.empty()) {
        const bool others = !running.empty();
        stop(running);
        std::signal(SIGINT, previous_interrupt);
        throw std::runtime_error(failure + (others ? ", so the other ranks were stopped." : "."));
    }
    std::signal(SIGINT, previous_interrupt);
}

}  // namespace facemix
