namespace Serverless.Functions.Calls;

/// <summary>
/// Which final calls <see cref="ICallStore.ListEndedAsync"/> lists: created in [<see cref="From"/>, <see cref="To"/>)
/// (as the rollups count them), optionally of one business number, direction and outcome (null: any).
/// </summary>
public sealed record EndedCallFilter(
    DateTimeOffset From, DateTimeOffset To, string? PhoneNumberId = null, CallDirection? Direction = null, CallOutcome? Outcome = null);
