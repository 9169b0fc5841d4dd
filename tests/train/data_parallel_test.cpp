#include "common/error.h"
#include "common/one_intra_op_thread.h"
#include "io/safetensors.h"
#include "support/run_command.h"
#include "support/test_data.h"
#include "support/tiny_training.h"
#include "support/text_file.h"
#include "train/data_parallel.h"
#include "train/local_ranks.h"
#include "train/train_config.h"
#include "train/trainer.h"

#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace facemix {
namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path write_config(const TrainConfig& config, const std::filesystem::path& folder) {
    const auto path = folder / "config.json";
    std::ofstream(path) << train_config_to_json(config).dump();
    return path;
}

std::size_t loss_rows(const std::filesystem::path& run) {
    std::ifstream csv(run / "loss.csv");
    std::size_t rows = 0;
    for (std::string line; std::getline(csv, line);) rows += !line.empty() && !line.starts_with("step");
    return rows;
}

// The largest difference between the "param.*" and "ema.*" tensors of two trainer states.
double largest_state_difference(const std::filesystem::path& a, const std::filesystem::path& b) {
    const TensorMap left = SafetensorsFile::open(Trainer::state_path(a)).read_all();
    const TensorMap right = SafetensorsFile::open(Trainer::state_path(b)).read_all();
    double largest = 0.0;
    std::size_t compared = 0;
    for (const auto& [name, tensor] : left) {
        if (!name.starts_with("param.") && !name.starts_with("ema.")) continue;
        largest = std::max(largest, tensor.sub(right.at(name)).abs().max().item<double>());
        ++compared;
    }
    EXPECT_GT(compared, 10u);
    return largest;
}

// The tiny recipe at a small learning rate. Ranks sum a gradient in another order than one rank does,
// which leaves float noise of ~1e-7 relative; in entries whose gradient is near zero (a cancellation)
// that noise is large against the entry, and Adam's step, lr * g / (|g| + 1e-8), turns it into a
// weight difference proportional to lr: 1.7e-5 after one step at the tiny recipe's 3e-3, 6e-7 after
// four at 1e-4 (measured). The comparison within 1e-6 therefore trains at 5e-5.
TrainConfig lockstep_config(std::int64_t steps) {
    TrainConfig config = test::tiny_config(steps);
    config.lr = 5e-5;
    return config;
}

void train_in_this_process(const TrainConfig& config, const std::filesystem::path& run) {
    const OneIntraOpThread one_thread;  // as the ranks, which the launcher gives one thread each
    Trainer trainer(config, test::tiny_dataset(), run);
    trainer.train({}, {});
}

test::CommandResult train_on_two_ranks(const std::filesystem::path& config, const std::filesystem::path& run,
                                       std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments = {"train", "--nproc-per-node", "2", "--data", test::tiny_dataset().string(),
                                          "--config", config.string(), "-o", run.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return test::run_facemix(arguments);
}

// A `facemix train` process with extra environment variables, its output going to files in `logs`.
struct TrainProcess {
    pid_t pid = -1;
    std::filesystem::path err;

    TrainProcess(const std::vector<std::string>& arguments, const std::map<std::string, std::string>& variables,
                 const std::filesystem::path& logs, const std::string& name)
        : err(logs / (name + ".err")) {
        std::vector<std::string> argv_strings = {FACEMIX_CLI_PATH};
        argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
        std::vector<std::string> env_strings;
        for (char** entry = environ; *entry; ++entry) env_strings.emplace_back(*entry);
        for (const auto& [key, value] : variables) env_strings.push_back(key + "=" + value);
        const auto pointers = [](std::vector<std::string>& strings) {
            std::vector<char*> result;
            for (auto& text : strings) result.push_back(text.data());
            result.push_back(nullptr);
            return result;
        };
        std::vector<char*> argv = pointers(argv_strings), envp = pointers(env_strings);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, 1, (logs / (name + ".out")).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        EXPECT_EQ(posix_spawn(&pid, FACEMIX_CLI_PATH, &files, nullptr, argv.data(), envp.data()), 0);
        posix_spawn_file_actions_destroy(&files);
    }
    ~TrainProcess() {
        if (pid <= 0) return;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }

    // The exit status once it ended, or nothing when it still runs at the deadline.
    std::optional<int> wait_until(Clock::time_point deadline) {
        while (Clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return std::nullopt;
    }
};

bool wait_for_steps(const std::filesystem::path& run, std::size_t steps, Clock::time_point deadline) {
    while (Clock::now() < deadline) {
        if (loss_rows(run) >= steps) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

TEST(DataParallel, TheGlobalBatchSplitsIntoEqualShardsOrIsRefusedWithBothNumbers) {
    EXPECT_EQ(batch_rows(8, 0, 1).begin, 0);
    EXPECT_EQ(batch_rows(8, 0, 1).end, 8);
    EXPECT_EQ(batch_rows(8, 1, 2).begin, 4);
    EXPECT_EQ(batch_rows(8, 1, 2).end, 8);
    EXPECT_EQ(batch_rows(12, 2, 4).size(), 3);
    try {
        batch_rows(7, 0, 2);
        ADD_FAILURE() << "no InputError";
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "The batch of 7 images does not split evenly over 2 ranks; make the batch a multiple "
                                   "of the number of ranks.");
    }
    const DataParallel alone;
    EXPECT_EQ(alone.world_size(), 1);
    EXPECT_TRUE(alone.is_main());
    EXPECT_DOUBLE_EQ(alone.average(2.5), 2.5);
}

TEST(DataParallel, TwoRanksTrainTheWeightsOneRankTrainsOnTheSameGlobalBatch) {
    test::TempDir folder, one, two;
    TrainConfig config = lockstep_config(4);
    config.grad_accumulation = 2;  // each micro-batch is sharded alike
    train_in_this_process(config, one.path());
    const auto result = train_on_two_ranks(write_config(config, folder.path()), two.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("x 2 ranks"), std::string::npos) << result.out;
    const double difference = largest_state_difference(one.path(), two.path());
    std::cout << "largest weight difference, 1 rank against 2: " << difference << "\n";
    EXPECT_LT(difference, 1e-6);
    // Rank 0 alone wrote the run folder: one row a step, and the end's sample grid.
    EXPECT_EQ(loss_rows(two.path()), 4u);
    EXPECT_TRUE(std::filesystem::exists(two.path() / "samples" / "step_0000004.png"));
    EXPECT_TRUE(std::filesystem::exists(Trainer::bundle_path(two.path())));
}

TEST(DataParallel, AOneRankRunResumesOnTwoRanksAsIfItHadStayedOnOne) {
    test::TempDir folder, split, straight;
    train_in_this_process(lockstep_config(2), split.path());
    const auto result = train_on_two_ranks(write_config(lockstep_config(2), folder.path()), split.path(), {"--steps", "5"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("resuming at step 2"), std::string::npos) << result.out;
    train_in_this_process(lockstep_config(5), straight.path());
    const double difference = largest_state_difference(split.path(), straight.path());
    std::cout << "largest weight difference, resumed on 2 ranks against 1 rank throughout: " << difference << "\n";
    EXPECT_LT(difference, 1e-6);
    EXPECT_EQ(loss_rows(split.path()), 5u);
}

// Two ranks started as torchrun would start them; one is killed (or stopped) once they step, and the
// survivor must end with an error on its own, within the timeout.
void survivor_ends_with_an_error(int signal, int timeout_s) {
    test::TempDir folder, run;
    TrainConfig config = test::tiny_config(100000);
    const std::vector<std::string> arguments = {"train", "--data", test::tiny_dataset().string(), "--config",
                                                write_config(config, folder.path()).string(), "-o", run.path().string(),
                                                "--dist-timeout", std::to_string(timeout_s)};
    const std::string port = std::to_string(free_local_port());
    const auto variables = [&](int rank) {
        return std::map<std::string, std::string>{{"RANK", std::to_string(rank)}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"},
                                                  {"MASTER_PORT", port}, {"OMP_NUM_THREADS", "1"}};
    };
    TrainProcess survivor(arguments, variables(0), folder.path(), "rank0");
    TrainProcess victim(arguments, variables(1), folder.path(), "rank1");
    ASSERT_TRUE(wait_for_steps(run.path(), 2, Clock::now() + std::chrono::seconds(60))) << test::read_text(survivor.err);
    const auto struck = Clock::now();
    ::kill(victim.pid, signal);
    const std::optional<int> status = survivor.wait_until(struck + std::chrono::seconds(timeout_s + 10));
    const double seconds = std::chrono::duration<double>(Clock::now() - struck).count();
    std::cout << "the survivor ended " << seconds << " s after the other rank got signal " << signal << "\n";
    ASSERT_TRUE(status.has_value()) << "rank 0 still runs " << timeout_s + 10 << " s after rank 1 got signal " << signal;
    EXPECT_EQ(*status, 1);
    const std::string err = test::read_text(survivor.err);
    EXPECT_NE(err.find("facemix: Rank 0 of 2 lost the other ranks while averaging"), std::string::npos) << err;
    EXPECT_NE(err.find("hung for more than " + std::to_string(timeout_s) + " s"), std::string::npos) << err;
}

TEST(DataParallel, AKilledRankEndsTheOtherWithAnErrorWithinTheTimeout) { survivor_ends_with_an_error(SIGKILL, 20); }

TEST(DataParallel, AHungRankEndsTheOtherWithAnErrorOnceTheTimeoutPasses) { survivor_ends_with_an_error(SIGSTOP, 4); }

// The ranks of `parent` (a --nproc-per-node launcher), by rank, read from their environments.
std::map<int, pid_t> ranks_of(pid_t parent) {
    std::map<int, pid_t> ranks;
    std::ifstream children("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
    for (pid_t child = 0; children >> child;) {
        const std::string environment = test::read_text("/proc/" + std::to_string(child) + "/environ");
        std::stringstream variables(environment);
        for (std::string variable; std::getline(variables, variable, '\0');)
            if (variable.starts_with("RANK=")) ranks[std::stoi(variable.substr(5))] = child;
    }
    return ranks;
}

TEST(DataParallel, TheLauncherStopsTheOtherRanksAndNamesTheOneThatDied) {
    test::TempDir folder, run;
    const std::vector<std::string> arguments = {"train", "--nproc-per-node", "2", "--data", test::tiny_dataset().string(),
                                                "--config", write_config(test::tiny_config(100000), folder.path()).string(),
                                                "-o", run.path().string()};
    TrainProcess launcher(arguments, {}, folder.path(), "launcher");
    ASSERT_TRUE(wait_for_steps(run.path(), 2, Clock::now() + std::chrono::seconds(60))) << test::read_text(launcher.err);
    const std::map<int, pid_t> ranks = ranks_of(launcher.pid);
    ASSERT_EQ(ranks.size(), 2u);
    ::kill(ranks.at(1), SIGKILL);
    const std::optional<int> status = launcher.wait_until(Clock::now() + std::chrono::seconds(20));
    ASSERT_TRUE(status.has_value()) << "the launcher still runs 20 s after rank 1 was killed";
    EXPECT_EQ(*status, 1);
    const std::string err = test::read_text(launcher.err);
    EXPECT_NE(err.find("facemix: Rank 1 of 2 was killed by signal 9"), std::string::npos) << err;
    // Rank 0 is gone too.
    EXPECT_NE(::kill(ranks.at(0), 0), 0);
}

}  // namespace
}  // namespace facemix
