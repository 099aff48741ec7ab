#include "http/routes/guard.h"

#include <spdlog/spdlog.h>

#include "auth/hash_queue.h"

namespace krypton::http::guard {
namespace {

std::vector<auth::AttemptLimiter::Bound> Bounds(const ApiContext& ctx, Secret kind,
                                                const std::string& target) {
  const config::LimitsConfig& l = ctx.config.limits;
  if (kind == Secret::kPassword) return {{"pw:" + target, l.login_failures_per_account, true}};
  return {{"code:" + target, l.code_failures_per_target, true}};
}

Ticket Take(const ApiContext& ctx, std::vector<auth::AttemptLimiter::Bound> bounds) {
  if (ctx.attempts == nullptr) {
    static auth::AttemptLimiter unlimited(1000000, [] { return int64_t{0}; });
    for (auto& b : bounds) b.limit = 1 << 30;
    return unlimited.Reserve(std::move(bounds), 1);
  }
  return ctx.attempts->Reserve(std::move(bounds),
                               int64_t{ctx.config.limits.login_failure_window_s} * 1000);
}

}  // namespace

Ticket Reserve(const ApiContext& ctx, const Request& req, Secret kind, const std::string& target) {
  auto bounds = Bounds(ctx, kind, target);
  const config::LimitsConfig& l = ctx.config.limits;
  if (kind == Secret::kPassword) {
    bounds.push_back({"pw-ip:" + req.remote_ip, l.password_failures_per_ip, false});
  } else {
    bounds.push_back({"code-ip:" + req.remote_ip, l.code_failures_per_ip, false});
  }
  return Take(ctx, std::move(bounds));
}

Ticket ReserveTarget(const ApiContext& ctx, Secret kind, const std::string& target) {
  return Take(ctx, Bounds(ctx, kind, target));
}

void Failed(const Ticket& ticket, const char* what) {
  if (ticket && ticket->Fail()) {
    // Names the kind of secret only: targets are accounts and addresses, never logged with
    // the guess, and the guess itself is never logged.
    spdlog::warn("guessing limit reached: {} (further guesses get 429 400016 for the window)",
                 what);
  }
}

void Succeeded(const Ticket& ticket) {
  if (ticket) ticket->Succeed();
}

Response RateLimited(const ApiContext& ctx, const Request& req, const char* why) {
  return api::Error(ctx, req, Status(Code::kUaaRateLimited).WithDetail(why));
}

void OnHasher(ApiContext& ctx, const std::string& account, Responder respond, Response busy,
              std::function<Response()> work) {
  if (ctx.hashing == nullptr) return api::OnWorker(ctx, std::move(respond), std::move(work));
  // `respond` is shared: the job owns it when queued, this frame answers when refused. The
  // answer goes out after the job's place in the queue is given back.
  auto shared = std::make_shared<Responder>(std::move(respond));
  auto result = std::make_shared<Response>();
  bool queued = ctx.hashing->Submit(
      account, [result, work = std::move(work)] { *result = work(); },
      [shared, result] { (*shared)(std::move(*result)); });
  if (!queued) (*shared)(std::move(busy));
}

void OnHasher(const std::shared_ptr<api::Call>& call, const std::string& account, api::Done done,
              std::function<Result<Response>()> work) {
  Response busy = call->Error(Status(Code::kUaaRateLimited).WithDetail("hashing queue full"));
  OnHasher(
      call->ctx, account, [done = std::move(done)](Response r) { done(std::move(r)); },
      std::move(busy),
      [call, work = std::move(work)]() -> Response {
        Result<Response> r = work();
        return r.ok() ? std::move(r).value() : call->Error(r.status());
      });
}

void Resolve(const Ticket& ticket, const Status& outcome, bool wrong_guess, const char* what) {
  if (wrong_guess) return Failed(ticket, what);
  if (outcome.code() == Code::kUaaVerifyCodeExpired || outcome.code() == Code::kUserInternal) {
    return;  // the ticket's destructor gives the reservation back
  }
  Succeeded(ticket);
}

}  // namespace krypton::http::guard
