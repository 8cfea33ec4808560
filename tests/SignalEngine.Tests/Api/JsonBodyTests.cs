using System.Text;
using SignalEngine.Api.Input;

namespace SignalEngine.Tests.Api;

public sealed class JsonBodyTests
{
    private static IDictionary<string, string[]> Problems(byte[] body)
    {
        var errors = new InputErrors();
        using var document = JsonBody.Parse(body, errors);
        return errors.ToDictionary();
    }

    private static byte[] Body(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void ADuplicateKeyInAHistoryRowIsNamedByItsPath()
    {
        var problems = Problems(Body("""{"items":[{"history":[{"a":1,"b":2},{"a":1,"a":2}]}]}"""));

        problems.Should().ContainKey("items[0].history[1].a").WhoseValue.Should().Equal(JsonBody.Duplicate);
        problems.Should().HaveCount(1);
    }

    [Fact]
    public void AKeySpelledTwiceWithAnEscapeIsADuplicate()
    {
        var problems = Problems(Body("""{"items":[{"features":{"ret_1":1,"ret\u005f1":2}}]}"""));

        problems.Should().ContainKey("items[0].features.ret_1").WhoseValue.Should().Equal(JsonBody.Duplicate);
    }

    [Fact]
    public void AKeyOfInvalidUtf8IsNamedByItsPositionInItsObject()
    {
        var body = Body("""{"items":[{"features":{"a":1,"?":2}}]}""");
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;

        var problems = Problems(body);

        problems.Should().ContainKey("items[0].features").WhoseValue.Should().Equal($"key 2: {JsonBody.InvalidText}");
    }

    [Fact]
    public void AnInvalidStringValueIsNamedByItsPathAndAValidBodyHasNoProblem()
    {
        var body = Body("""{"items":[{"instrument":"?","features":{"a":1}}]}""");
        body[Array.IndexOf(body, (byte)'?')] = 0xC3;

        Problems(body).Should().ContainKey("items[0].instrument").WhoseValue.Should().Equal(JsonBody.InvalidText);
        Problems(Body("""{"items":[{"instrument":"é","features":{"a":1,"é":2},"history":[{"a":1}]}]}""")).Should().BeEmpty();
    }
}
