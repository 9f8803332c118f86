using CustomerCraft.Empowerment;
using CustomerCraft.Empowerment.Policy;

namespace CustomerCraft.Tests.Empowerment;

public class RequestFingerprintTests
{
    private static ResolutionRequest Request(string segment, params string[] reasons) => new()
    {
        AgentId = "a", Role = "Agent", CustomerId = "c", IncidentId = "i", Action = "Refund", Amount = 1m,
        CustomerSegment = segment, ReasonCodes = reasons,
    };

    [Fact]
    public void The_same_context_shares_one_text_and_a_different_context_gets_its_own()
    {
        string first = RequestFingerprint.Of(Request("Gold", "Late", "Damaged"));
        string again = RequestFingerprint.Of(Request("gold", "Damaged", "Late")); // case and order do not matter

        again.Should().BeSameAs(first, "grant records with the same context keep one string between them");
        RequestFingerprint.Of(Request("Platinum", "Late", "Damaged")).Should().NotBe(first);
    }

    [Fact]
    public void A_slot_taken_by_another_context_still_gives_each_context_its_own_text()
    {
        // 251 slots: hashes equal modulo 251 share one; the cache must check the whole hash.
        const ulong Hash = 0x0123_4567_89ab_cdefUL;
        RequestFingerprint.Text(Hash).Should().Be("0123456789abcdef");
        RequestFingerprint.Text(Hash + 251).Should().Be("0123456789abceea");
        RequestFingerprint.Text(Hash).Should().Be("0123456789abcdef");
    }
}
