using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>What one <c>entry[].changes[]</c> item tells every event inside it.</summary>
internal sealed record ChangeContext(
    string Path,
    string? WabaId,
    string? PhoneNumberId,
    string? DisplayPhoneNumber,
    IReadOnlyList<Contact> Contacts)
{
    public static ChangeContext From(string path, string? wabaId, JsonElement value)
    {
        var metadata = JsonFields.Object(value, "metadata");
        var contacts = new List<Contact>();
        if (JsonFields.Array(value, "contacts") is { } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                var waId = JsonFields.String(item, "wa_id");
                var name = JsonFields.Object(item, "profile") is { } profile ? JsonFields.String(profile, "name") : null;
                if (waId is not null)
                {
                    contacts.Add(new Contact(waId, name));
                }
            }
        }

        return new ChangeContext(
            path,
            wabaId,
            metadata is { } m ? JsonFields.String(m, "phone_number_id") : null,
            metadata is { } d ? JsonFields.String(d, "display_phone_number") : null,
            contacts);
    }

    /// <summary>Profile name of the contact with this WhatsApp id, if the change listed one.</summary>
    public string? NameOf(string? waId) =>
        waId is null ? null : Contacts.FirstOrDefault(c => c.WaId == waId)?.Name;
}

/// <summary>A <c>value.contacts[]</c> entry.</summary>
internal sealed record Contact(string WaId, string? Name);
