using CustomerCraft.Escalation;
using CustomerCraft.Escalation.Workflow;

namespace CustomerCraft.Tests.Escalation;

public sealed class CaseStateMachineTests
{
    [Fact]
    public void The_remembered_answers_are_the_Stateless_machines_answers_for_every_question()
    {
        (int Level, int Top)[] positions = [(0, 0), (0, 2), (1, 2), (2, 2)];
        int allowed = 0;
        foreach (CaseState state in Enum.GetValues<CaseState>())
        {
            foreach (CaseTrigger trigger in Enum.GetValues<CaseTrigger>())
            {
                foreach ((int level, int top) in positions)
                {
                    // Twice: the first answer may come from the machine, the second from the memo.
                    for (int pass = 0; pass < 2; pass++)
                    {
                        bool memo = CaseStateMachine.TryFire(state, level, top, trigger, out CaseState remembered);
                        bool fired = CaseStateMachine.FireUncached(state, level, top, trigger, out CaseState destination);
                        memo.Should().Be(fired, $"{trigger} in {state} at level {level} of {top}");
                        remembered.Should().Be(destination, $"{trigger} in {state} at level {level} of {top}");
                        allowed += memo && pass == 0 ? 1 : 0;
                    }
                }
            }
        }

        allowed.Should().BeGreaterThan(40).And.BeLessThan(8 * 12 * 4);
    }

    [Fact]
    public void Guards_decide_where_a_reply_goes_and_whether_a_case_can_go_up()
    {
        CaseStateMachine.TryFire(CaseState.AwaitingCustomer, 0, 2, CaseTrigger.CustomerReplied, out CaseState atFrontLine).Should().BeTrue();
        atFrontLine.Should().Be(CaseState.InProgress);
        CaseStateMachine.TryFire(CaseState.AwaitingCustomer, 1, 2, CaseTrigger.CustomerReplied, out CaseState upTheLadder).Should().BeTrue();
        upTheLadder.Should().Be(CaseState.Escalated);
        CaseStateMachine.TryFire(CaseState.Escalated, 2, 2, CaseTrigger.Escalate, out _).Should().BeFalse();
        CaseStateMachine.TryFire(CaseState.Escalated, 1, 2, CaseTrigger.Escalate, out CaseState up).Should().BeTrue();
        up.Should().Be(CaseState.Escalated);
        CaseStateMachine.TryFire((CaseState)42, 0, 2, CaseTrigger.Assign, out _).Should().BeFalse("a corrupted stored state is refused, not an index error");
    }
}
