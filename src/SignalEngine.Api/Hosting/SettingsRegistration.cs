namespace SignalEngine.Api.Hosting;

/// <summary>How every settings section of the service is bound: validated by its data annotations, at start.</summary>
public static class SettingsRegistration
{
    /// <summary>Binds <paramref name="section"/> to <typeparamref name="T"/>; a value out of range stops the start naming it.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>The bound, validated value of a settings section.</summary>
    public static T Settings<T>(this IServiceProvider provider) where T : class =>
        provider.GetRequiredService<IOptions<T>>().Value;
}
