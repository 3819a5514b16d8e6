namespace Serverless.Functions.Settings;

/// <summary>What the inbound flow does with a user-initiated call that arrives outside business hours.</summary>
public enum ClosedHoursAction
{
    /// <summary>Reject the call (Graph <c>reject</c>); the user sees it declined.</summary>
    Reject,

    /// <summary>Answer and play <see cref="CallingSettingsOptions.ClosedHoursPrompt"/>, then hang up.</summary>
    PlayClosedHoursPrompt,
}
