using CsCheck;
using Serverless.Shared.WhatsApp;

namespace Serverless.Shared.Tests.WhatsApp.Webhooks;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+447700900789", "+44*******789")]
    [InlineData("16315553602", "16******602")]
    [InlineData("123456", "12*456")]
    [InlineData("12345", "*****")]
    [InlineData("+123", "+***")]
    [InlineData("", "")]
    [InlineData(null, "(none)")]
    public void Mask_keeps_only_head_and_tail(string? number, string expected)
    {
        Assert.Equal(expected, PhoneMask.Mask(number));
    }

    [Fact]
    public void Masked_number_never_contains_the_middle_digits()
    {
        Gen.Char['0', '9'].Array[6, 20].Select(d => new string(d)).Sample(number =>
        {
            var masked = PhoneMask.Mask(number);
            return masked.Length == number.Length
                && masked[..2] == number[..2]
                && masked[^3..] == number[^3..]
                && masked[2..^3].All(c => c == '*');
        });
    }
}
