using System.ComponentModel;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using WorkerFromBody = Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>Decides, per parameter, where its value comes from; anything the host cannot bind is a startup error.</summary>
internal static class ParameterSources
{
    public static FunctionParameterSource Describe(string functionName, ParameterInfo parameter, bool isHttp)
    {
        var name = parameter.Name ?? throw new FunctionDiscoveryException(functionName, "has an unnamed parameter");
        var type = parameter.ParameterType;
        string Where() => $"parameter '{name}' ({type.Name})";

        if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        {
            return type == typeof(HttpRequest)
                ? new HttpRequestParameter(name, type)
                : throw new FunctionDiscoveryException(functionName,
                    $"{Where()}: the HTTP trigger must be an ASP.NET Core HttpRequest (HttpRequestData is not supported by the test host)");
        }

        if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is not null)
        {
            return type == typeof(TimerInfo)
                ? new TimerInfoParameter(name, type)
                : throw new FunctionDiscoveryException(functionName, $"{Where()}: a timer trigger must be a TimerInfo");
        }

        if (parameter.GetCustomAttribute<QueueTriggerAttribute>() is not null)
        {
            return QueueMessageTypes.Contains(type)
                ? new QueueMessageParameter(name, type)
                : throw new FunctionDiscoveryException(functionName,
                    $"{Where()}: the test host binds a queue trigger as string, BinaryData, byte[] or QueueMessage (deserialize the text yourself)");
        }

        if (type == typeof(FunctionContext))
        {
            return new FunctionContextParameter(name, type);
        }

        if (type == typeof(CancellationToken))
        {
            return new CancellationTokenParameter(name, type);
        }

        if (parameter.GetCustomAttribute<WorkerFromBody>() is not null)
        {
            return isHttp
                ? new RequestBodyParameter(name, type)
                : throw new FunctionDiscoveryException(functionName, $"{Where()}: [FromBody] needs an HTTP trigger");
        }

        if (parameter.GetCustomAttributes(inherit: true).Any(IsMvcBindingAttribute))
        {
            throw new FunctionDiscoveryException(functionName,
                $"{Where()}: ASP.NET Core MVC binding attributes are ignored by the worker; use Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute");
        }

        if (parameter.GetCustomAttribute<BindingAttribute>(inherit: true) is { } binding)
        {
            throw new FunctionDiscoveryException(functionName, $"{Where()}: binding {binding.GetType().Name} is not supported by the test host");
        }

        if (isHttp && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)))
        {
            return new BindingDataParameter(name, type, parameter.HasDefaultValue, parameter.HasDefaultValue ? parameter.DefaultValue : null);
        }

        throw new FunctionDiscoveryException(functionName, $"{Where()}: cannot be bound (not a trigger, FunctionContext, CancellationToken, [FromBody] or a route/query value convertible from text)");
    }

    private static readonly Type[] QueueMessageTypes = [typeof(string), typeof(BinaryData), typeof(byte[]), typeof(Azure.Storage.Queues.Models.QueueMessage)];

    private static bool IsMvcBindingAttribute(object attribute) =>
        attribute.GetType().Namespace == "Microsoft.AspNetCore.Mvc" && attribute.GetType().Name.StartsWith("From", StringComparison.Ordinal);
}
