using SignalEngine.Online;

namespace SignalEngine.Tests.Online;

public sealed class ReplayBufferTests
{
    private static Guid[] Ids(int count) => Enumerable.Range(1, count).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();

    [Fact]
    public void BufferIsBoundedAndHoldsTheMostRecentOutcomes()
    {
        var buffer = new ReplayBuffer(reservoirCapacity: 50, recentCapacity: 10, seed: 1);
        var ids = Ids(1000);

        foreach (var id in ids) buffer.Add(id);

        buffer.Ids().Count.Should().BeLessThanOrEqualTo(60);
        buffer.Ids().Should().Contain(ids[^10..]);
        buffer.Seen.Should().Be(1000);
    }

    [Fact]
    public void ReservoirKeepsOldRegimesInProportion()
    {
        // Reservoir sampling keeps each of the n items with probability capacity / n: about half from each half.
        var buffer = new ReplayBuffer(reservoirCapacity: 200, recentCapacity: 0, seed: 7);
        var ids = Ids(4000);

        foreach (var id in ids) buffer.Add(id);

        var early = buffer.Ids().Count(id => Array.IndexOf(ids, id) < 2000);
        early.Should().BeInRange(70, 130, "the first regime's outcomes must stay in the buffer");
    }

    [Fact]
    public void ReloadedStateContinuesExactlyAsAnUninterruptedBuffer()
    {
        var ids = Ids(500);
        var straight = new ReplayBuffer(40, 5, seed: 3);
        foreach (var id in ids) straight.Add(id);

        var first = new ReplayBuffer(40, 5, seed: 3);
        foreach (var id in ids[..200]) first.Add(id);
        var resumed = new ReplayBuffer(40, 5, seed: 3, first.State);
        foreach (var id in ids[200..]) resumed.Add(id);

        resumed.Ids().Should().Equal(straight.Ids());
    }
}
