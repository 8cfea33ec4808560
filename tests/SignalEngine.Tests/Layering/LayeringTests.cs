using System.Reflection;
using System.Reflection.Emit;
using SignalEngine.Pipeline;

namespace SignalEngine.Tests.Layering;

/// <summary>
/// The engine's namespaces point one way. Every type the engine assembly references — in signatures, fields, base
/// types, attributes and inside method bodies (read from the IL) — must belong to its own layer or a lower one.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Low to high. A namespace belongs to the first layer one of whose prefixes it starts with; one layer may hold siblings that must not reference each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Numerics"],
        ["Scoring"],
        ["Data"],
        ["Features"],
        ["Labels"],
        ["Stages"],
        ["Stages.TreeFilter", "Stages.SequenceRefiner", "Stages.MetaLearner"],
        ["Decisions"],
        ["Pipeline"],
        ["Explanations"],
        ["Bundle"],
        ["Training"],
        ["Evaluation", "Online"],
        ["Tuning"],
    ];

    private const string Root = "SignalEngine";

    [Fact]
    public void NoEngineNamespaceReferencesAHigherOneOrASibling()
    {
        var assembly = typeof(SignalPipeline).Assembly;
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = Place(type);
            if (from is null) continue;
            foreach (var used in References(type).Where(t => t.Assembly == assembly))
            {
                if (Place(used) is not { } to || to.Group == from.Value.Group) continue;
                if (to.Layer >= from.Value.Layer) violations.Add($"{from.Value.Group} -> {to.Group} ({Outer(type).Name} uses {Outer(used).Name})");
            }
        }
        string.Join(Environment.NewLine, violations).Should().BeEmpty("layers run Numerics, Scoring -> Data -> Features -> Labels -> Stages -> Decisions -> Pipeline -> Explanations -> Bundle -> Training -> Evaluation / Online -> Tuning");
    }

    [Fact]
    public void EveryEngineNamespaceHasALayer()
    {
        var unplaced = typeof(SignalPipeline).Assembly.GetTypes()
            .Where(t => t.Namespace is { } ns && ns.StartsWith(Root + ".", StringComparison.Ordinal) && Place(t) is null)
            .Select(t => t.Namespace!)
            .Distinct();
        unplaced.Should().BeEmpty("a new namespace needs its place in the layering");
    }

    [Fact]
    public void TheScanSeesReferencesInsideMethodBodies()
    {
        // FoldRunner names StageComposer only inside method bodies: the IL scan must find it.
        References(typeof(SignalEngine.Training.FoldRunner)).Should().Contain(typeof(StageComposer));
    }

    private static Type Outer(Type type) => type.DeclaringType is { } parent ? Outer(parent) : type;

    private static (int Layer, string Group)? Place(Type type)
    {
        var ns = Outer(type).Namespace;
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        var relative = ns[(Root.Length + 1)..];
        (int Layer, string Group)? best = null;
        for (var layer = 0; layer < Layers.Length; layer++)
        {
            foreach (var group in Layers[layer])
            {
                if ((relative == group || relative.StartsWith(group + ".", StringComparison.Ordinal)) && (best is null || group.Length > best.Value.Group.Length))
                    best = (layer, group);
            }
        }
        return best;
    }

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var a in t.GetGenericArguments()) Add(a);
                return;
            }
            if (t.IsGenericParameter) return;
            found.Add(t);
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var a in type.GetCustomAttributesData()) Add(a.AttributeType);
        foreach (var f in type.GetFields(Declared)) Add(f.FieldType);
        foreach (var p in type.GetProperties(Declared)) Add(p.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) Add(info.ReturnType);
            foreach (var p in method.GetParameters()) Add(p.ParameterType);
            foreach (var t in BodyReferences(method)) Add(t);
        }
        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types named by the tokens of a method body's IL (calls, fields, types, allocations).</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at++];
            if (value == 0xFE) value = (short)(0xFE00 | il[at++]);
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, at);
                    at += 4;
                    MemberInfo? member = null;
                    try { member = module.ResolveMember(token, typeArguments, methodArguments); }
                    catch (ArgumentException) { }
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case FieldInfo f: yield return f.DeclaringType!; yield return f.FieldType; break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi) yield return mi.ReturnType;
                            foreach (var p in m.GetParameters()) yield return p.ParameterType;
                            break;
                    }
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineNone:
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }
}
