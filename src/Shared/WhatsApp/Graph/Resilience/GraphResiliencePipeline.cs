using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Serverless.Shared.WhatsApp.Graph.Resilience;

/// <summary>
/// Builds the Graph client's Polly pipeline, outermost first: overall timeout, retry (exponential
/// backoff with jitter, honouring <c>Retry-After</c>, rules in <see cref="GraphRetryRules"/>), circuit
/// breaker, per-attempt timeout.
/// </summary>
public static class GraphResiliencePipeline
{
    /// <summary>Name of the resilience handler on the typed client.</summary>
    public const string HandlerName = "whatsapp-graph";

    /// <summary>Adds the strategies to <paramref name="builder"/> using <paramref name="options"/> and <paramref name="timeProvider"/>.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, WhatsAppGraphOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);

        builder.TimeProvider = timeProvider;
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalRequestTimeout });

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(GraphRetryRules.ShouldRetry(
                    args.Context.GetRequestMessage().GetGraphAction(),
                    args.Outcome.Result,
                    args.Outcome.Exception,
                    timeProvider.GetUtcNow(),
                    options.RetryMaxDelay)),

                // Null falls back to the exponential backoff; Polly does not cap generated delays,
                // ShouldRetry already refused any Retry-After above RetryMaxDelay.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response
                    ? RetryAfterHeader.GetDelay(response.Headers, timeProvider.GetUtcNow())
                    : null),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "circuit-breaker",
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(GraphRetryRules.IsServiceFailure(args.Outcome)),
        });

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.RequestTimeout });
    }
}
