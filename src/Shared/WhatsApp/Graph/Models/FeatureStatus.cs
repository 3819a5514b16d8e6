namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary>Meta's <c>ENABLED</c>/<c>DISABLED</c> switch (calling, call hours, callback permission, SIP).</summary>
public enum FeatureStatus
{
    /// <summary>A value this code does not know (read only; never sent).</summary>
    Unknown,

    /// <summary><c>ENABLED</c>.</summary>
    Enabled,

    /// <summary><c>DISABLED</c>.</summary>
    Disabled,
}

/// <summary>Wire names of <see cref="FeatureStatus"/>.</summary>
public sealed class FeatureStatusConverter() : WireEnumConverter<FeatureStatus>(
    ("ENABLED", FeatureStatus.Enabled),
    ("DISABLED", FeatureStatus.Disabled));
