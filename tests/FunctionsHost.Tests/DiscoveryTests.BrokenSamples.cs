using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Serverless.Testing.FunctionsHost.Tests;

// Deliberately broken function classes. They are private nested types, which no generated code can reach,
// so discovery over the test assembly skips them; the tests feed them to discovery directly.
#pragma warning disable CA1812 // Never instantiated: only inspected by discovery.
#pragma warning disable IDE0051 // The private [Function] method exists only to be found by reflection.
#pragma warning disable CA1859 // IActionResult is the declared shape under test, not a performance choice.
public sealed partial class DiscoveryTests
{
    private sealed class DuplicateRoutes
    {
        [Function("ListA")]
        public static IActionResult A([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "dup/{id}")] HttpRequest request, string id) => new OkResult();

        [Function("ListB")]
        public static IActionResult B([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "DUP/{other}")] HttpRequest request, string other) => new OkResult();
    }

    private sealed class DuplicateRouteWithAnyMethod
    {
        [Function("Specific")]
        public static IActionResult A([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "things")] HttpRequest request) => new OkResult();

        [Function("Everything")]
        public static IActionResult B([HttpTrigger(AuthorizationLevel.Anonymous, Route = "things")] HttpRequest request) => new OkResult();
    }

    private sealed class DisjointMethodsAndConstraints
    {
        [Function("GetThing")]
        public static IActionResult A([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{id}")] HttpRequest request) => new OkResult();

        [Function("DeleteThing")]
        public static IActionResult B([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "things/{id}")] HttpRequest request) => new OkResult();

        [Function("GetThingByNumber")]
        public static IActionResult C([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{n:int}/x")] HttpRequest request) => new OkResult();

        [Function("GetThingByGuid")]
        public static IActionResult D([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "things/{g:guid}/x")] HttpRequest request) => new OkResult();
    }

    private sealed class DuplicateNames
    {
        [Function("Same")]
        public static IActionResult A([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "a")] HttpRequest request) => new OkResult();

        [Function("Same")]
        public static IActionResult B([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "b")] HttpRequest request) => new OkResult();
    }

    private sealed record Unbindable(int X);

    private sealed class UnsupportedParameter
    {
        [Function("TakesUnbindable")]
        public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request, Unbindable value) => new OkResult();
    }

    private sealed class RequestDataTrigger
    {
        [Function("UsesRequestData")]
        public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequestData request) => new OkResult();
    }

    private sealed class MvcFromBody
    {
        [Function("UsesMvcFromBody")]
        public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest request, [Microsoft.AspNetCore.Mvc.FromBody] Unbindable body) => new OkResult();
    }

    private sealed class UnsupportedReturn
    {
        [Function("ReturnsString")]
        public static string Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => "x";
    }

    private sealed class FiveFieldCron
    {
        [Function("UnixCron")]
        public static void Run([TimerTrigger("*/5 * * * *")] TimerInfo timer)
        {
        }
    }

    private sealed class MissingScheduleSetting
    {
        [Function("NoSetting")]
        public static void Run([TimerTrigger("%NotConfigured%")] TimerInfo timer)
        {
        }
    }

    private sealed class BadQueueName
    {
        [Function("UpperCaseQueue")]
        public static void Run([QueueTrigger("Work_Items")] string message)
        {
        }
    }

    private sealed class QueueAsInt
    {
        [Function("IntQueue")]
        public static void Run([QueueTrigger("numbers")] int message)
        {
        }
    }

    private sealed class MissingQueueSetting
    {
        [Function("NoQueueSetting")]
        public static void Run([QueueTrigger("%NoSuchQueue%")] string message)
        {
        }
    }

    private sealed class NoTrigger
    {
        [Function("Triggerless")]
        public static void Run(string value)
        {
        }
    }

    private sealed class PrivateMethod
    {
        [Function("Hidden")]
        private static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => new OkResult();
    }
}
#pragma warning restore CA1859
#pragma warning restore IDE0051
#pragma warning restore CA1812
