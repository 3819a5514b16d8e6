namespace Serverless.Functions.Storage;

/// <summary>Configuration section <see cref="SectionName"/>: the one Table Storage account every table lives in.</summary>
public sealed class StorageOptions
{
    /// <summary>Default configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>Table endpoint reached with the managed identity (Azure). Wins over <see cref="ConnectionString"/>.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Used when <see cref="ServiceUri"/> is not set (local development, Azurite).</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
}
