using System.Collections.Frozen;
using System.Globalization;
using CustomerCraft.Policy;

namespace CustomerCraft.Empowerment.Policy;

/// <summary>
/// Compiles test nodes (conditions' <c>When</c> and the named <c>Tests</c>) into one flat table,
/// checking each node against the attribute schema: a node is exactly one kind, its comparisons suit
/// the attribute's declared type, any other setting is an error, and named tests exist and do not
/// refer back to themselves. Every error names its configuration path.
/// </summary>
internal sealed class TestCompiler
{
    private readonly AttributeSchema _schema;
    private readonly ConditionTypeRegistry _hostTypes;
    private readonly Dictionary<string, ConditionTestOptions> _named;
    private readonly string _testsPath;
    private readonly List<string> _errors;
    private readonly List<TestNode> _nodes = [];
    private readonly Dictionary<string, int> _compiledNamed = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _inProgress = [];
    private int _hostSlots;
    private string _owner = string.Empty;

    public TestCompiler(AttributeSchema schema, ConditionTypeRegistry hostTypes, Dictionary<string, ConditionTestOptions> named, string testsPath, List<string> errors)
    {
        _schema = schema;
        _hostTypes = hostTypes;
        _named = named;
        _testsPath = testsPath;
        _errors = errors;
    }

    public TestNode[] Nodes => [.. _nodes];

    public int HostSlots => _hostSlots;

    /// <summary>Compiles every named test, so that errors in one nobody references are reported too.</summary>
    public void CompileNamedTests()
    {
        foreach (string name in _named.Keys)
        {
            _ = CompileNamed(name, $"{_testsPath}:{name}");
        }
    }

    /// <summary>Compiles a condition's test; host conditions in it are told the condition's name.</summary>
    public int CompileCondition(string conditionName, ConditionTestOptions? test, string path)
    {
        _owner = conditionName;
        return Compile(test, path);
    }

    /// <summary>Compiles a test and returns its index, or -1 when it has errors (already reported).</summary>
    public int Compile(ConditionTestOptions? test, string path)
    {
        if (test is null)
        {
            _errors.Add($"{path}: missing; a test is one of AllOf, AnyOf, NoneOf, Test, Condition or Attribute.");
            return -1;
        }

        var kinds = new List<string>();
        if (test.AllOf is not null) kinds.Add(nameof(test.AllOf));
        if (test.AnyOf is not null) kinds.Add(nameof(test.AnyOf));
        if (test.NoneOf is not null) kinds.Add(nameof(test.NoneOf));
        if (test.Test is not null) kinds.Add(nameof(test.Test));
        if (test.Condition is not null) kinds.Add(nameof(test.Condition));
        if (test.Attribute is not null) kinds.Add(nameof(test.Attribute));
        if (kinds.Count == 0)
        {
            _errors.Add($"{path}: missing its kind; set one of AllOf, AnyOf, NoneOf, Test, Condition or Attribute.");
            return -1;
        }

        if (kinds.Count > 1)
        {
            _errors.Add($"{path}: sets {string.Join(" and ", kinds)}; a test is exactly one of them (combine tests with AllOf).");
            return -1;
        }

        return kinds[0] switch
        {
            nameof(test.AllOf) => CompileComposite(TestKind.AllOf, test.AllOf!, test, $"{path}:AllOf"),
            nameof(test.AnyOf) => CompileComposite(TestKind.AnyOf, test.AnyOf!, test, $"{path}:AnyOf"),
            nameof(test.NoneOf) => CompileComposite(TestKind.NoneOf, test.NoneOf!, test, $"{path}:NoneOf"),
            nameof(test.Test) => CompileReference(test, path),
            nameof(test.Condition) => CompileHost(test, path),
            _ => CompileCompare(test, path),
        };
    }

    private int CompileComposite(TestKind kind, List<ConditionTestOptions> children, ConditionTestOptions test, string path)
    {
        RejectSettings(test, path[..path.LastIndexOf(':')], kind.ToString(), Comparisons(test, includeParameters: true));
        if (children.Count == 0)
        {
            _errors.Add($"{path}: an empty list; list at least one test.");
            return -1;
        }

        var indexes = new int[children.Count];
        bool ok = true;
        for (int i = 0; i < children.Count; i++)
        {
            indexes[i] = Compile(children[i], $"{path}:{i}");
            ok &= indexes[i] >= 0;
        }

        return ok ? Add(new TestNode { Kind = kind, Children = indexes }) : -1;
    }

    private int CompileReference(ConditionTestOptions test, string path)
    {
        RejectSettings(test, path, "Test", Comparisons(test, includeParameters: true));
        return CompileNamed(test.Test!, $"{path}:Test");
    }

    private int CompileNamed(string name, string referencePath)
    {
        if (_compiledNamed.TryGetValue(name, out int compiled))
        {
            return compiled;
        }

        if (!_named.TryGetValue(name, out ConditionTestOptions? named))
        {
            string known = _named.Count == 0 ? "none are declared" : $"declared: {string.Join(", ", _named.Keys)}";
            _errors.Add($"{referencePath}: '{name}' is not a test under {_testsPath} ({known}).");
            return -1;
        }

        int cycleStart = _inProgress.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        if (cycleStart >= 0)
        {
            _errors.Add($"{referencePath}: '{name}' refers back to itself ({string.Join(" -> ", _inProgress.Skip(cycleStart).Append(name))}); tests must not form a cycle.");
            return -1;
        }

        // A host condition inside a named test is told the test's name: a named test is compiled once
        // and shared by every condition that references it.
        string owner = _owner;
        _owner = name;
        _inProgress.Add(name);
        int index = Compile(named, $"{_testsPath}:{name}");
        _inProgress.RemoveAt(_inProgress.Count - 1);
        _owner = owner;
        _compiledNamed[name] = index;
        return index;
    }

    private int CompileHost(ConditionTestOptions test, string path)
    {
        RejectSettings(test, path, "Condition", Comparisons(test, includeParameters: false));
        if (!_hostTypes.TryGet(test.Condition!, out IResolutionCondition? condition))
        {
            string known = _hostTypes.Names.Any() ? $"registered: {string.Join(", ", _hostTypes.Names)}" : "none is registered";
            _errors.Add($"{path}:Condition: '{test.Condition}' is not a condition type registered with AddCondition<T>(\"{test.Condition}\") ({known}).");
            return -1;
        }

        return Add(new TestNode
        {
            Kind = TestKind.Host,
            HostType = test.Condition,
            Name = _owner,
            HostCondition = condition,
            Parameters = (test.Parameters ?? []).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            HostSlot = _hostSlots++,
        });
    }

    private int CompileCompare(ConditionTestOptions test, string path)
    {
        if (test.Parameters is not null)
        {
            _errors.Add($"{path}:Parameters: applies only to a host Condition test.");
        }

        if (!_schema.ByName.TryGetValue(test.Attribute!, out AttributeDefinition? attribute))
        {
            _errors.Add($"{path}:Attribute: '{test.Attribute}' is not declared; declare it under the policy's Attributes with its type, or test a request field (CustomerSegment, Channel, ReasonCodes, CustomerSince, Amount).");
            return -1;
        }

        int before = _errors.Count;
        string[] allowed = attribute.Type switch
        {
            AttributeType.String => [nameof(test.In), nameof(test.IsSet)],
            AttributeType.Boolean => [nameof(test.Is), nameof(test.IsSet)],
            AttributeType.Number => [nameof(test.EqualTo), nameof(test.GreaterThan), nameof(test.AtLeast), nameof(test.LessThan), nameof(test.AtMost), nameof(test.IsSet)],
            _ => [nameof(test.OlderThan), nameof(test.AtLeastAgo), nameof(test.NewerThan), nameof(test.Within), nameof(test.IsSet)],
        };
        List<string> present = Comparisons(test, includeParameters: false);
        foreach (string setting in present.Where(s => !allowed.Contains(s)))
        {
            _errors.Add($"{path}:{setting}: does not apply to '{attribute.Name}', a {attribute.Type} attribute; use {string.Join(", ", allowed)}.");
        }

        if (present.Count == 0)
        {
            _errors.Add($"{path}: no comparison for '{attribute.Name}'; a {attribute.Type} attribute takes {string.Join(", ", allowed)}.");
        }
        else if (test.IsSet == false && present.Count > 1)
        {
            _errors.Add($"{path}:IsSet: false means the attribute is absent, so the other comparisons ({string.Join(", ", present.Where(p => p != nameof(test.IsSet)))}) could never hold.");
        }

        if (test.In is { } values)
        {
            if (values.Count == 0)
            {
                _errors.Add($"{path}:In: an empty list never holds; list at least one value.");
            }

            for (int i = 0; i < values.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]))
                {
                    _errors.Add($"{path}:In:{i}: an empty value never holds.");
                }
                else if (attribute.Values is { } closed && !closed.Contains(values[i]))
                {
                    _errors.Add($"{path}:In:{i}: '{values[i]}' is not one of {attribute.Name}'s declared values ({string.Join(", ", closed.Order(StringComparer.OrdinalIgnoreCase))}).");
                }
            }
        }

        decimal lower = Math.Max(test.GreaterThan ?? decimal.MinValue, test.AtLeast ?? decimal.MinValue);
        decimal upper = Math.Min(test.LessThan ?? decimal.MaxValue, test.AtMost ?? decimal.MaxValue);
        if (lower > upper || (lower == upper && (test.GreaterThan == lower || test.LessThan == upper)))
        {
            _errors.Add($"{path}: the bounds ({Bounds(test)}) leave no number between them; the test could never hold.");
        }

        foreach ((string name, TimeSpan? span) in new[] { (nameof(test.OlderThan), test.OlderThan), (nameof(test.AtLeastAgo), test.AtLeastAgo), (nameof(test.NewerThan), test.NewerThan), (nameof(test.Within), test.Within) })
        {
            if (span <= TimeSpan.Zero)
            {
                _errors.Add($"{path}:{name}: {span} is not a span of time; give how long ago, greater than zero, such as \"14.00:00:00\".");
            }
        }

        if (_errors.Count > before)
        {
            return -1;
        }

        string[]? inList = test.In?.ToArray();
        return Add(new TestNode
        {
            Kind = TestKind.Compare,
            Comparison = new AttributeComparison
            {
                Attribute = attribute,
                In = inList?.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                InList = inList,
                Is = test.Is,
                IsSet = test.IsSet,
                EqualTo = test.EqualTo,
                GreaterThan = test.GreaterThan,
                AtLeast = test.AtLeast,
                LessThan = test.LessThan,
                AtMost = test.AtMost,
                OlderThan = test.OlderThan,
                AtLeastAgo = test.AtLeastAgo,
                NewerThan = test.NewerThan,
                Within = test.Within,
            },
        });
    }

    private static string Bounds(ConditionTestOptions test)
    {
        var parts = new List<string>();
        if (test.GreaterThan is decimal gt) parts.Add($"GreaterThan {gt.ToString(CultureInfo.InvariantCulture)}");
        if (test.AtLeast is decimal ge) parts.Add($"AtLeast {ge.ToString(CultureInfo.InvariantCulture)}");
        if (test.LessThan is decimal lt) parts.Add($"LessThan {lt.ToString(CultureInfo.InvariantCulture)}");
        if (test.AtMost is decimal le) parts.Add($"AtMost {le.ToString(CultureInfo.InvariantCulture)}");
        return string.Join(", ", parts);
    }

    private void RejectSettings(ConditionTestOptions test, string path, string kind, List<string> settings)
    {
        foreach (string setting in settings)
        {
            _errors.Add($"{path}:{setting}: does not belong to a {kind} test; comparisons go in an Attribute test.");
        }
    }

    /// <summary>The comparison settings a node sets (and its host parameters, when asked).</summary>
    private static List<string> Comparisons(ConditionTestOptions test, bool includeParameters)
    {
        var set = new List<string>();
        if (test.In is not null) set.Add(nameof(test.In));
        if (test.Is is not null) set.Add(nameof(test.Is));
        if (test.IsSet is not null) set.Add(nameof(test.IsSet));
        if (test.EqualTo is not null) set.Add(nameof(test.EqualTo));
        if (test.GreaterThan is not null) set.Add(nameof(test.GreaterThan));
        if (test.AtLeast is not null) set.Add(nameof(test.AtLeast));
        if (test.LessThan is not null) set.Add(nameof(test.LessThan));
        if (test.AtMost is not null) set.Add(nameof(test.AtMost));
        if (test.OlderThan is not null) set.Add(nameof(test.OlderThan));
        if (test.AtLeastAgo is not null) set.Add(nameof(test.AtLeastAgo));
        if (test.NewerThan is not null) set.Add(nameof(test.NewerThan));
        if (test.Within is not null) set.Add(nameof(test.Within));
        if (includeParameters && test.Parameters is not null) set.Add(nameof(test.Parameters));
        return set;
    }

    private int Add(TestNode node)
    {
        _nodes.Add(node);
        return _nodes.Count - 1;
    }
}
