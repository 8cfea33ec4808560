using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SignalEngine.Api.Hosting;

/// <summary>How the service sits behind a gateway (section "Gateway"): which proxies to believe, and a fixed path base.</summary>
public sealed class GatewayOptions : IValidatableObject
{
    public const string Section = "Gateway";

    /// <summary>
    /// A sub-path the service is published under when the gateway passes the full path on (for example "/signalengine");
    /// empty when the gateway strips the prefix and names it in X-Forwarded-Prefix instead.
    /// </summary>
    [RegularExpression("^(/[^/]+)*$", ErrorMessage = "Gateway:PathBase must be empty or start with '/' and not end with one")]
    public string PathBase { get; set; } = "";

    /// <summary>
    /// Networks (CIDR) whose X-Forwarded-For/Proto/Prefix headers are believed, besides loopback (always trusted):
    /// the gateway's network in a container topology. Headers from anyone else are ignored.
    /// </summary>
    public string[] KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var network in KnownNetworks)
        {
            if (!IPNetwork.TryParse(network, out _))
            {
                yield return new ValidationResult($"Gateway:KnownNetworks: '{network}' is not a CIDR network such as 10.0.0.0/8", [nameof(KnownNetworks)]);
            }
        }
    }
}
