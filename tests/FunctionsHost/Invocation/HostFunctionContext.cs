using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Testing.FunctionsHost.Invocation;

/// <summary>
/// A minimal concrete <see cref="FunctionContext"/>: invocation id, function id and definition, the invocation's
/// service scope, cancellation, items, trace context and binding data. Features and retry context are not modelled.
/// </summary>
internal sealed class HostFunctionContext : FunctionContext
{
    // Key under which the ASP.NET Core integration stores the HttpContext, read by context.GetHttpContext().
    internal const string HttpContextItemKey = "HttpRequestContext";

    private readonly CancellationToken _cancellationToken;

    public HostFunctionContext(
        FunctionDefinition definition,
        IServiceProvider instanceServices,
        IReadOnlyDictionary<string, object?> bindingData,
        CancellationToken cancellationToken)
    {
        FunctionDefinition = definition;
        InstanceServices = instanceServices;
        BindingContext = new HostBindingContext(bindingData);
        TraceContext = HostTraceContext.FromActivity(Activity.Current);
        _cancellationToken = cancellationToken;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => FunctionDefinition.Id;

    public override TraceContext TraceContext { get; }

    public override BindingContext BindingContext { get; }

    public override RetryContext RetryContext =>
        throw new NotSupportedException("The Functions test host has no retry policies, so no RetryContext.");

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features =>
        throw new NotSupportedException("The Functions test host does not implement invocation features (Features).");

    public override CancellationToken CancellationToken => _cancellationToken;

    private sealed class HostBindingContext(IReadOnlyDictionary<string, object?> bindingData) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = bindingData;
    }

    private sealed class HostTraceContext(string traceParent, string traceState) : TraceContext
    {
        public override string TraceParent { get; } = traceParent;

        public override string TraceState { get; } = traceState;

        public static HostTraceContext FromActivity(Activity? activity) =>
            new(activity?.Id ?? string.Empty, activity?.TraceStateString ?? string.Empty);
    }
}
