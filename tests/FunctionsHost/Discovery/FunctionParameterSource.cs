namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>Where a function parameter's value comes from at invocation time.</summary>
public abstract record FunctionParameterSource(string Name, Type Type);

/// <summary>The <c>[HttpTrigger]</c> parameter: the ASP.NET Core <c>HttpRequest</c>.</summary>
public sealed record HttpRequestParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);

/// <summary>The <c>[TimerTrigger]</c> parameter: a <c>TimerInfo</c>.</summary>
public sealed record TimerInfoParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);

/// <summary>The invocation's <c>FunctionContext</c>.</summary>
public sealed record FunctionContextParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);

/// <summary>The invocation's cancellation token.</summary>
public sealed record CancellationTokenParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);

/// <summary>A worker <c>[FromBody]</c> parameter, deserialized from the request body.</summary>
public sealed record RequestBodyParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);

/// <summary>
/// A plain parameter bound by name from the trigger's binding data (route values, then query string),
/// converted from text with the type's <see cref="System.ComponentModel.TypeConverter"/>.
/// </summary>
public sealed record BindingDataParameter(string Name, Type Type, bool HasDefaultValue, object? DefaultValue)
    : FunctionParameterSource(Name, Type);

/// <summary>The <c>[QueueTrigger]</c> parameter: the message as <c>string</c>, <c>BinaryData</c>, <c>byte[]</c> or <c>QueueMessage</c>.</summary>
public sealed record QueueMessageParameter(string Name, Type Type) : FunctionParameterSource(Name, Type);
