using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Shared.AudioPlans;

public static class PromptServiceCollectionExtensions
{
    /// <summary>Binds <see cref="PromptOptions"/> from the <c>Prompts</c> section, validated at start, and registers the policy.</summary>
    public static IServiceCollection AddPromptSources(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PromptOptions>().Bind(configuration.GetSection(PromptOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PromptOptions>, PromptOptionsValidator>());
        services.TryAddSingleton(sp => new PromptSourcePolicy(sp.GetRequiredService<IOptions<PromptOptions>>().Value));
        return services;
    }
}
