using System.Text;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>
/// Two HTTP functions on the same route shape with an overlapping method set would make requests ambiguous;
/// the same template with disjoint methods (GET calls/{id} and DELETE calls/{id}) is fine, as in the host.
/// </summary>
internal static class RouteConflicts
{
    public static void ThrowIfAny(IReadOnlyList<HttpFunctionDescriptor> functions)
    {
        var shapes = new Dictionary<string, List<HttpFunctionDescriptor>>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            var shape = Shape(function);
            if (!shapes.TryGetValue(shape, out var sameShape))
            {
                sameShape = [];
                shapes.Add(shape, sameShape);
            }

            foreach (var other in sameShape)
            {
                if (MethodsOverlap(function, other))
                {
                    throw new FunctionDiscoveryException(function.Name,
                        $"route '{function.Route}' duplicates route '{other.Route}' of function '{other.Name}' for an overlapping HTTP method");
                }
            }

            sameShape.Add(function);
        }
    }

    private static bool MethodsOverlap(HttpFunctionDescriptor a, HttpFunctionDescriptor b) =>
        a.HttpMethods.IsEmpty || b.HttpMethods.IsEmpty || a.HttpMethods.Intersect(b.HttpMethods).Any();

    // Literals case-insensitively, parameters by kind and constraints only (names do not disambiguate).
    private static string Shape(HttpFunctionDescriptor function)
    {
        RoutePattern pattern;
        try
        {
            pattern = RoutePatternFactory.Parse(function.Route);
        }
        catch (RoutePatternException e)
        {
            throw new FunctionDiscoveryException($"Function '{function.Name}': route '{function.Route}' is invalid: {e.Message}", e);
        }

        var shape = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            shape.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        shape.Append(literal.Content.ToUpperInvariant());
                        break;
                    case RoutePatternSeparatorPart separator:
                        shape.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        shape.Append('{').Append(parameter.IsCatchAll ? "*" : string.Empty).Append(parameter.IsOptional ? "?" : string.Empty);
                        foreach (var constraint in parameter.ParameterPolicies)
                        {
                            shape.Append(':').Append(constraint.Content);
                        }

                        shape.Append('}');
                        break;
                }
            }
        }

        return shape.ToString();
    }
}
