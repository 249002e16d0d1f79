package tributary.ref;

import java.util.ArrayList;
import java.util.List;

/** Registry of all scenarios. Each group lives in its own class. */
final class Scenarios {
    private Scenarios() {}

    static List<Scenario> all() {
        List<Scenario> l = new ArrayList<>();
        l.addAll(StatelessScenarios.all());
        l.addAll(DescribeScenarios.all());
        l.addAll(KTableScenarios.all());
        l.addAll(AggregationScenarios.all());
        l.addAll(WindowScenarios.all());
        l.addAll(JoinScenarios.all());
        l.addAll(FidelityJoinScenarios.all());
        l.addAll(FidelityTableScenarios.all());
        l.addAll(FidelityWindowScenarios.all());
        return l;
    }
}
