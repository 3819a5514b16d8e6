namespace Serverless.Shared.Media;

/// <summary>Why bytes could not be read as a media message.</summary>
public enum MediaMessageError
{
    /// <summary>No error.</summary>
    None,

    /// <summary>Not a JSON object, or a required field is missing or has the wrong shape.</summary>
    Malformed,

    /// <summary>The object has no <c>type</c> discriminator.</summary>
    MissingType,

    /// <summary>The <c>type</c> names a message this code does not know (e.g. from a newer sender).</summary>
    UnknownType,

    /// <summary>The <c>schemaVersion</c> is newer than <see cref="MediaMessage.CurrentSchemaVersion"/>, or not positive.</summary>
    UnsupportedVersion,

    /// <summary>A valid message, but not of the kind asked for (e.g. an event where a command was expected).</summary>
    UnexpectedKind,
}
