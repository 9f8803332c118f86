using CustomerCraft.Empowerment.Policy;

namespace CustomerCraft.Tests.Empowerment;

public class KeptUsageTests
{
    public static TheoryData<long, int, int> Values => new()
    {
        { 0, 0, 4 },
        { (1L << 24) - 1, 255, 4 },
        { 1L << 24, 0, 8 },
        { 5, 256, 8 },
        { (1L << 44) - 1, (1 << 20) - 1, 8 },
        { 1L << 44, 1, 16 },
        { 7, 1 << 20, 16 },
        { long.MaxValue, int.MaxValue, 16 },
        { -1, 0, 16 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Pack_TakesTheSmallestLayoutThatHoldsEveryValue_AndReadsBackExactly(long amount, int count, int bytes)
    {
        MinorUsage[] usage = [new(3, 1), new(amount, count), new(0, 0), new(12_345, 17)];

        KeptUsage kept = KeptUsage.Pack(usage);

        kept.IsKept.Should().BeTrue();
        kept.BytesPerBudget.Should().Be(bytes);
        var read = new MinorUsage[3];
        kept.CopyTo(1, read);
        read.Should().Equal(usage[1], usage[2], usage[3]);
        kept.CopyTo(3, read); // past the end reads as zero
        read.Should().Equal(usage[3], default(MinorUsage), default(MinorUsage));
    }

    [Fact]
    public void AllZero_ReadsAsZero_AndDefaultKeepsNothing()
    {
        MinorUsage[] read = [new(1, 1), new(2, 2)];
        KeptUsage.AllZero.CopyTo(0, read);
        read.Should().Equal(default(MinorUsage), default(MinorUsage));
        KeptUsage.AllZero.IsKept.Should().BeTrue();
        KeptUsage.Pack([]).IsKept.Should().BeTrue();
        default(KeptUsage).IsKept.Should().BeFalse();
    }
}
