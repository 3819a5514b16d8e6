namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Everything one webhook delivery carried, in document order.</summary>
/// <param name="ObjectType">The envelope's <c>object</c> (always <c>whatsapp_business_account</c> today).</param>
/// <param name="Events">Events we understood, in the order they appear in the body.</param>
/// <param name="Skipped">Items that claimed to be ours but were malformed; the rest of the batch still counts.</param>
/// <param name="Ignored">Well-formed items that are not call events (other webhook fields, text messages, ...).</param>
public sealed record WebhookBatch(
    string ObjectType,
    IReadOnlyList<WebhookEvent> Events,
    IReadOnlyList<SkippedItem> Skipped,
    IReadOnlyList<IgnoredItem> Ignored);

/// <summary>Why an item was skipped.</summary>
public enum SkipReason
{
    /// <summary>The item should be an object and is not.</summary>
    NotAnObject,

    /// <summary>A field the event cannot exist without is absent.</summary>
    MissingField,

    /// <summary>A field has a type or value we cannot read.</summary>
    InvalidField,

    /// <summary>The item names an event we do not know.</summary>
    UnknownEvent,
}

/// <summary>A malformed item, located by a JSON path such as <c>entry[0].changes[1].value.calls[2]</c>.</summary>
/// <param name="Path">Where the item sits in the body.</param>
/// <param name="Reason">What kind of problem it has.</param>
/// <param name="Detail">Which field, in words; never quotes a value.</param>
public sealed record SkippedItem(string Path, SkipReason Reason, string Detail);

/// <summary>Why a well-formed item produced no event.</summary>
public enum IgnoreReason
{
    /// <summary>A change for a webhook field other than <c>calls</c> or <c>messages</c>.</summary>
    UnhandledField,

    /// <summary>A <c>statuses[]</c> item whose <c>type</c> is not <c>call</c> (e.g. message delivery receipts).</summary>
    NotACallStatus,

    /// <summary>A <c>messages[]</c> item that is not a <c>call_permission_reply</c>.</summary>
    NotAPermissionReply,

    /// <summary>A <c>calls</c> or <c>messages</c> change whose value holds nothing we read.</summary>
    NothingToRead,
}

/// <summary>A well-formed item that is not a call event, reported so nothing disappears silently.</summary>
/// <param name="Path">Where the item sits in the body.</param>
/// <param name="Reason">What kind of item it is.</param>
/// <param name="Detail">E.g. the field name of the change.</param>
public sealed record IgnoredItem(string Path, IgnoreReason Reason, string Detail);
