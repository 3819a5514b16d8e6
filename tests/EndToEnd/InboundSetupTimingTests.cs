using System.Globalization;
using System.Text;
using Serverless.Shared.Media;
using Serverless.Testing.EndToEnd.Infrastructure;
using Serverless.Testing.LocalRun;
using Xunit.Abstractions;
using static Serverless.Testing.EndToEnd.Infrastructure.E2E;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// Measures inbound set-up (issue 14: should accept wait for media?): connect webhook → pre_accept → accept at
/// Graph, → the node's MediaConnected, → the phone's media up. Prints the numbers for docs/performance.md; asserts
/// only the order the flow guarantees, never a duration.
/// </summary>
public sealed class InboundSetupTimingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Inbound_setup_timeline_accept_precedes_media_up()
    {
        await using var product = await LocalProduct.StartAsync();
        var report = new StringBuilder("call, webhook→pre_accept ms, webhook→accept ms, webhook→node MediaConnected ms, webhook→phone media up ms\n");
        for (var i = 0; i < 5; i++)
        {
            var user = (16315553700 + i).ToString(CultureInfo.InvariantCulture);
            var simulated = await product.Simulator.StartInboundCallAsync(user);
            var phone = await product.Phones.WaitForPhoneAsync(user, Wait);
            await phone.Connected.WaitAsync(Wait);
            var call = await product.Calls.FindByWacidAsync(simulated.Id, Wait);
            await product.Calls.WaitForStateAsync(call.Id(), "connected", Wait);
            var media = await product.Tap.WaitForAsync(e => e.Event is MediaConnected m && m.CallId == call.Id(), Wait);

            var webhook = product.Simulator.Webhooks.Deliveries.First(d => d.BodyText.Contains(simulated.Id, StringComparison.Ordinal)).CreatedAt;
            var requests = product.Simulator.Requests.Snapshot().Where(r => Encoding.UTF8.GetString(r.Body).Contains(simulated.Id, StringComparison.Ordinal)).ToList();
            var preAccept = requests.First(r => Encoding.UTF8.GetString(r.Body).Contains("\"pre_accept\"", StringComparison.Ordinal)).ReceivedAt;
            var accept = requests.First(r => Encoding.UTF8.GetString(r.Body).Contains("\"accept\"", StringComparison.Ordinal)).ReceivedAt;
            var phoneUp = phone.ConnectedAt!.Value;
            Assert.True(preAccept <= accept, "pre_accept goes first");
            report.Append(CultureInfo.InvariantCulture, $"{i + 1}, {Ms(preAccept - webhook)}, {Ms(accept - webhook)}, {Ms(media.At - webhook)}, {Ms(phoneUp - webhook)}\n");

            var (status, _) = await product.Calls.HangUpAsync(call.Id());
            Assert.Equal(200, status);
            await product.Calls.WaitAsync(call.Id(), c => c.IsFinal(), Wait);
        }

        output.WriteLine(report.ToString());
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture);
}
