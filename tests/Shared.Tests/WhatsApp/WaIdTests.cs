using Serverless.Shared.WhatsApp;

namespace Serverless.Shared.Tests.WhatsApp;

/// <summary>Test vectors for the one WhatsApp-number rule: the form, the dialable form, the mask.</summary>
public sealed class WaIdTests
{
    [Theory]
    [InlineData("16315553602", "16315553602")]
    [InlineData("+16315553602", "16315553602")]
    [InlineData("447700900789", "447700900789")]
    [InlineData("123456", "123456")]
    [InlineData("123456789012345", "123456789012345")]
    public void The_wa_id_and_the_plus_form_parse_to_the_same_digits(string text, string digits)
    {
        Assert.True(WaId.TryParse(text, out var waId));
        Assert.Equal(digits, waId.Digits);
        Assert.Equal("+" + digits, waId.E164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("12345")]
    [InlineData("1234567890123456")]
    [InlineData("016315553602")]
    [InlineData("++16315553602")]
    [InlineData("+1 631 555 3602")]
    [InlineData(" 16315553602")]
    [InlineData("1631555360a")]
    [InlineData("１６３１５５５３６０２")]
    [InlineData("16315553602\n")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(WaId.TryParse(text, out _));
        var ex = Assert.Throws<ArgumentException>(() => WaId.Parse(text, "to"));
        Assert.Equal("to", ex.ParamName);
    }

    [Theory]
    [InlineData("+14155550123", "14155550123")]
    [InlineData("+447911123456", "447911123456")]
    [InlineData("+4915112345678", "4915112345678")]
    public void A_dialable_number_is_plus_E164_and_valid_in_its_numbering_plan(string text, string digits)
    {
        Assert.True(WaId.TryParseE164(text, out var waId));
        Assert.Equal(digits, waId.Digits);
    }

    [Theory]
    [InlineData("14155550123")] // the API asks for the '+' form
    [InlineData("+1415555")] // too short for its plan
    [InlineData("+999123456789")] // no such country code
    [InlineData("+00000000000")]
    [InlineData("+1 415 555 0123")]
    [InlineData(null)]
    public void A_number_that_cannot_be_dialled_is_refused(string? text)
    {
        Assert.False(WaId.TryParseE164(text, out _));
    }

    [Theory]
    [InlineData("16315553602", "16******602")]
    [InlineData("+447700900789", "44*******789")]
    [InlineData("123456", "12*456")]
    public void The_one_mask_keeps_two_leading_and_three_trailing_digits(string text, string masked)
    {
        var waId = WaId.Parse(text, "waId");
        Assert.Equal(masked, waId.Masked);
        Assert.Equal(masked, waId.ToString());
        Assert.Equal(masked, $"{waId}");
    }

    [Fact]
    public void A_default_value_masks_as_absent_and_has_no_digits()
    {
        Assert.Equal(PhoneMask.Absent, default(WaId).Masked);
        Assert.Throws<InvalidOperationException>(() => default(WaId).Digits);
    }
}
