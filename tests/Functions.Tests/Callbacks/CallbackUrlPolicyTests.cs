using System.Net;
using Microsoft.Extensions.Options;
using Serverless.Functions.Callbacks;
using Serverless.Shared.Security;

namespace Serverless.Functions.Tests.Callbacks;

/// <summary>The SSRF guard: only https, and only public addresses unless explicitly allowed.</summary>
public sealed class CallbackUrlPolicyTests
{
    private static CallbackUrlPolicy Policy(bool allowLoopback = false, bool allowPrivate = false, Func<string, IPAddress[]>? dns = null) =>
        new(
            Options.Create(new CallbackOptions { AllowLoopback = allowLoopback, AllowPrivateNetworks = allowPrivate }),
            (host, _) => dns is null ? throw new InvalidOperationException("no DNS in this test") : Task.FromResult(dns(host)));

    [Theory]
    [InlineData("http://hooks.example.com/cb", CallbackUrlRefusal.NotHttps)]
    [InlineData("ftp://hooks.example.com/cb", CallbackUrlRefusal.NotHttps)]
    [InlineData("/relative/cb", CallbackUrlRefusal.NotAbsolute)]
    [InlineData("https://user:secret@hooks.example.com/cb", CallbackUrlRefusal.HasUserInfo)]
    [InlineData("https://10.0.0.5/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://172.16.0.1/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://192.168.1.1/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://127.0.0.1/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://127.1.2.3:8443/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://169.254.169.254/latest/meta-data/", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://100.64.0.1/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://224.0.0.1/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://0.0.0.0/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://255.255.255.255/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[::1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[::]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[fc00::1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[fd12:3456::1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[fe80::1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[ff02::1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[::ffff:10.0.0.1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[::ffff:169.254.169.254]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[64:ff9b::a00:1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[64:ff9b:1::a00:1]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/cb", CallbackUrlRefusal.ForbiddenAddress)]
    [InlineData("https://2130706433/cb", CallbackUrlRefusal.ForbiddenAddress)] // 127.0.0.1 as a decimal integer
    public void SSRF_attempt_urls_are_refused_at_dial_time(string url, CallbackUrlRefusal refusal)
    {
        var check = Policy().Validate(url);

        Assert.False(check.IsAllowed, url);
        Assert.Equal(refusal, check.Refusal);
    }

    [Fact]
    public async Task A_name_resolving_to_a_private_address_is_refused()
    {
        var policy = Policy(dns: _ => [IPAddress.Parse("10.1.2.3")]);

        var check = await policy.ValidateAsync("https://internal.example.com/cb");

        Assert.Equal(CallbackUrlRefusal.ForbiddenAddress, check.Refusal);
        Assert.Equal(AddressClass.Private, check.AddressClass);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("fd12:3456::7")]
    [InlineData("64:ff9b:1::a01:203")]
    public async Task A_refusal_does_not_reveal_the_internal_address_a_name_resolves_to(string internalAddress)
    {
        var policy = Policy(dns: _ => [IPAddress.Parse(internalAddress)]);

        var check = await policy.ValidateAsync("https://innocent.example.com/cb");

        Assert.Equal(CallbackUrlRefusal.ForbiddenAddress, check.Refusal);
        Assert.DoesNotContain(internalAddress, check.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(IPAddress.Parse(internalAddress).ToString(), check.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_name_with_one_public_and_one_metadata_address_is_refused()
    {
        var policy = Policy(dns: _ => [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("169.254.169.254")]);

        var check = await policy.ValidateAsync("https://mixed.example.com/cb");

        Assert.Equal(AddressClass.LinkLocal, check.AddressClass);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_refused()
    {
        var policy = Policy(dns: _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));

        Assert.Equal(CallbackUrlRefusal.Unresolvable, (await policy.ValidateAsync("https://nowhere.example.com/cb")).Refusal);
    }

    [Fact]
    public async Task A_public_https_url_is_allowed()
    {
        var policy = Policy(dns: _ => [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1:248:1893:25c8:1946")]);

        Assert.True((await policy.ValidateAsync("https://hooks.example.com/cb?token=abc")).IsAllowed);
    }

    [Fact]
    public void Loopback_is_allowed_only_by_its_option_and_opens_nothing_else()
    {
        var policy = Policy(allowLoopback: true);

        Assert.True(policy.Validate("https://127.0.0.1:8443/cb").IsAllowed);
        Assert.True(policy.Validate("https://[::1]:8443/cb").IsAllowed);
        Assert.False(policy.Validate("https://10.0.0.1/cb").IsAllowed);
        Assert.False(policy.Validate("https://169.254.169.254/cb").IsAllowed);
        Assert.False(policy.Validate("http://127.0.0.1:8443/cb").IsAllowed);
    }

    [Fact]
    public void In_Development_AllowLoopback_also_lets_plain_http_reach_loopback_literals_and_nothing_else()
    {
        var policy = new CallbackUrlPolicy(Options.Create(new CallbackOptions { AllowLoopback = true }), development: true);

        Assert.True(policy.Validate("http://127.0.0.1:9099/cb").IsAllowed);
        Assert.True(policy.Validate("http://[::1]:9099/cb").IsAllowed);
        Assert.Equal(CallbackUrlRefusal.NotHttps, policy.Validate("http://localhost:9099/cb").Refusal);
        Assert.Equal(CallbackUrlRefusal.NotHttps, policy.Validate("http://10.0.0.1/cb").Refusal);
        Assert.Equal(CallbackUrlRefusal.NotHttps, policy.Validate("http://hooks.example.com/cb").Refusal);
        // Development alone opens nothing: the option must be on too.
        Assert.False(new CallbackUrlPolicy(Options.Create(new CallbackOptions()), development: true).Validate("http://127.0.0.1:9099/cb").IsAllowed);
    }

    [Fact]
    public void Private_networks_option_never_opens_link_local_metadata()
    {
        var policy = Policy(allowPrivate: true);

        Assert.True(policy.Validate("https://10.0.0.1/cb").IsAllowed);
        Assert.True(policy.Validate("https://[fd00::1]/cb").IsAllowed);
        Assert.False(policy.Validate("https://169.254.169.254/cb").IsAllowed);
        Assert.False(policy.Validate("https://127.0.0.1/cb").IsAllowed);
    }

    [Theory]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("100.127.255.255", AddressClass.CarrierGradeNat)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("2002:0a00:0001::1", AddressClass.Private)] // 6to4 wrapping 10.0.0.1
    [InlineData("fec0::1", AddressClass.Reserved)]
    [InlineData("64:ff9b:1::a00:1", AddressClass.Reserved)]      // local-use NAT64 (RFC 8215), here wrapping 10.0.0.1
    [InlineData("64:ff9b:1:ffff::1", AddressClass.Reserved)]
    [InlineData("64:ff9b::808:808", AddressClass.Public)]        // well-known NAT64 wrapping 8.8.8.8
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressClass.Reserved)] // Teredo (RFC 4380)
    [InlineData("2001:db8::1", AddressClass.Reserved)]
    [InlineData("2001:1::1", AddressClass.Public)]
    public void Address_classes_follow_the_special_purpose_registries(string address, AddressClass expected) =>
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
}
