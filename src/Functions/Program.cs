using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Hosting;
using Serverless.Functions.Telemetry;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddServerlessCalling(builder.Configuration);
// The worker's defaults add the invocation spans and resource attributes; host.json telemetryMode makes the host
// hand its trace context to the worker, so the host's and the worker's spans are one trace.
builder.Services.AddCallingTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();
