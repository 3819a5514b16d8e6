namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary><c>calling.call_icon_visibility</c> (meta-calling-api.md §4).</summary>
public enum CallIconVisibility
{
    /// <summary>A value this code does not know (read only; never sent).</summary>
    Unknown,

    /// <summary><c>DEFAULT</c>: the call icon shows in the chat.</summary>
    Default,

    /// <summary><c>DISABLE_ALL</c>: hides the icon; call buttons still work.</summary>
    DisableAll,
}

/// <summary>Wire names of <see cref="CallIconVisibility"/>.</summary>
public sealed class CallIconVisibilityConverter() : WireEnumConverter<CallIconVisibility>(
    ("DEFAULT", CallIconVisibility.Default),
    ("DISABLE_ALL", CallIconVisibility.DisableAll));
