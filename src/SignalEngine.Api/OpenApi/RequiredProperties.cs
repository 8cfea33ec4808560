using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SignalEngine.Api.OpenApi;

/// <summary>
/// The service's own types list as required every property that is not nullable: answers always write every property
/// (nulls included), and the request readers refuse a body without the non-nullable ones. A generated client then
/// types them as present, and a contract tester checks that they are. A nullable property that names another schema is
/// one of that schema and null.
/// </summary>
public sealed class RequiredProperties : ISchemaFilter
{
    private readonly NullabilityInfoContext _nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete || concrete.Properties is not { Count: > 0 } properties) return;
        if (context.Type.Namespace?.StartsWith("SignalEngine", StringComparison.Ordinal) != true) return;
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null) continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!properties.ContainsKey(name)) continue;
            if (_nullability.Create(property).ReadState == NullabilityState.Nullable)
            {
                // A nullable object: the reference alone would say it is never null.
                if (properties[name] is OpenApiSchemaReference reference)
                {
                    properties[name] = new OpenApiSchema { OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] };
                }
                continue;
            }
            (concrete.Required ??= new SortedSet<string>(StringComparer.Ordinal)).Add(name);
        }
    }
}
