using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Settings;

/// <summary>Registration of the calling settings functions' own services.</summary>
public static class CallingSettingsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CallingSettingsOptions"/> from section <see cref="CallingSettingsOptions.SectionName"/>,
    /// validated on start. The functions also need <c>IWhatsAppGraphClient</c> (AddWhatsAppGraphClient) and
    /// <c>Meta:DefaultPhoneNumberId</c> unless callers pass <c>?phoneNumberId=</c>.
    /// </summary>
    public static IServiceCollection AddCallingSettings(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CallingSettingsOptions>()
            .Bind(configuration.GetSection(CallingSettingsOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallingSettingsOptions>, InboundPlanOptionsValidator>());
        services.TryAddSingleton<InboundPlans>();
        return services;
    }
}
