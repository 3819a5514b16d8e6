using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Serverless.Infra.Tests.Architecture;

/// <summary>
/// Which folder of an assembly uses which other folder, read from the built assembly's metadata (System.Reflection.Metadata):
/// a folder is a namespace right under the assembly's root namespace, with its subfolders (the root itself is "(root)"). A type uses another type
/// when that type appears in its base type, interfaces, generic constraints, field/method/property signatures, locals,
/// attributes, or any token in its method bodies. Compiler-generated code (lambdas' closures, async state machines,
/// source-generated nested types) is nested in the type that caused it, so it counts for that type's folder; types
/// outside the root namespace (the compiler's private details, Regex's generated code) and the composition roots
/// (<c>Hosting</c> folders, which wire every feature together) take no part. The Functions worker generates its function
/// executor into the root namespace: it calls every feature and nothing uses it, so it closes no cycle.
/// </summary>
internal sealed class FolderGraph
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _reader;
    private readonly string _rootNamespace;

    /// <summary>Folder → folder → the type pairs (user → used) behind that edge.</summary>
    public SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> Edges { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Folders { get; } = new(StringComparer.Ordinal);

    private FolderGraph(MetadataReader reader, string rootNamespace)
    {
        _reader = reader;
        _rootNamespace = rootNamespace;
    }

    public static FolderGraph Load(string assemblyPath, string rootNamespace)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var graph = new FolderGraph(pe.GetMetadataReader(), rootNamespace);
        graph.Build(pe);
        return graph;
    }

    /// <summary>The strongly connected components with more than one folder: every cycle lies inside one of them.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = 0;
        var indices = new Dictionary<string, int>();
        var lowLinks = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<IReadOnlyList<string>>();

        void Connect(string v)
        {
            indices[v] = lowLinks[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var targets) ? targets.Keys : Enumerable.Empty<string>())
            {
                if (!indices.TryGetValue(w, out var wIndex))
                {
                    Connect(w);
                    lowLinks[v] = Math.Min(lowLinks[v], lowLinks[w]);
                }
                else if (onStack.Contains(w))
                {
                    lowLinks[v] = Math.Min(lowLinks[v], wIndex);
                }
            }

            if (lowLinks[v] == indices[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    components.Add(component);
                }
            }
        }

        foreach (var folder in Folders)
        {
            if (!indices.ContainsKey(folder))
            {
                Connect(folder);
            }
        }

        return components;
    }

    private void Build(PEReader pe)
    {
        foreach (var handle in _reader.TypeDefinitions)
        {
            var from = FolderOf(handle);
            if (from is null)
            {
                continue;
            }

            Folders.Add(from);
            var used = new HashSet<TypeDefinitionHandle>();
            CollectType(pe, handle, used);
            foreach (var target in used)
            {
                var to = FolderOf(target);
                if (to is null || to == from)
                {
                    continue;
                }

                if (!Edges.TryGetValue(from, out var targets))
                {
                    Edges[from] = targets = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
                }

                if (!targets.TryGetValue(to, out var evidence))
                {
                    targets[to] = evidence = new SortedSet<string>(StringComparer.Ordinal);
                }

                evidence.Add(NameOf(Outermost(handle)) + " → " + NameOf(Outermost(target)));
            }
        }
    }

    private void CollectType(PEReader pe, TypeDefinitionHandle handle, HashSet<TypeDefinitionHandle> used)
    {
        var provider = new Collector(used);
        var type = _reader.GetTypeDefinition(handle);
        AddEntity(type.BaseType, provider);
        foreach (var i in type.GetInterfaceImplementations())
        {
            AddEntity(_reader.GetInterfaceImplementation(i).Interface, provider);
        }

        AddGenericParameters(type.GetGenericParameters(), provider);
        AddAttributes(type.GetCustomAttributes(), provider);

        foreach (var f in type.GetFields())
        {
            var field = _reader.GetFieldDefinition(f);
            field.DecodeSignature(provider, null);
            AddAttributes(field.GetCustomAttributes(), provider);
        }

        foreach (var p in type.GetProperties())
        {
            var property = _reader.GetPropertyDefinition(p);
            property.DecodeSignature(provider, null);
            AddAttributes(property.GetCustomAttributes(), provider);
        }

        foreach (var e in type.GetEvents())
        {
            AddEntity(_reader.GetEventDefinition(e).Type, provider);
        }

        foreach (var m in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(m);
            method.DecodeSignature(provider, null);
            AddGenericParameters(method.GetGenericParameters(), provider);
            AddAttributes(method.GetCustomAttributes(), provider);
            foreach (var p in method.GetParameters())
            {
                AddAttributes(_reader.GetParameter(p).GetCustomAttributes(), provider);
            }

            if (method.RelativeVirtualAddress != 0)
            {
                AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), provider);
            }
        }
    }

    private void AddBody(MethodBodyBlock body, Collector provider)
    {
        if (!body.LocalSignature.IsNil)
        {
            _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()), provider);
                    break;
                default:
                    // InlineBrTarget, InlineI, InlineR4 (ShortInlineR), InlineSig, InlineString: 4 bytes, no type.
                    il.Offset += 4;
                    break;
            }
        }
    }

    private void AddAttributes(CustomAttributeHandleCollection attributes, Collector provider)
    {
        foreach (var a in attributes)
        {
            AddEntity(_reader.GetCustomAttribute(a).Constructor, provider);
        }
    }

    private void AddGenericParameters(GenericParameterHandleCollection parameters, Collector provider)
    {
        foreach (var p in parameters)
        {
            foreach (var c in _reader.GetGenericParameter(p).GetConstraints())
            {
                AddEntity(_reader.GetGenericParameterConstraint(c).Type, provider);
            }
        }
    }

    private void AddEntity(EntityHandle handle, Collector provider)
    {
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                provider.Used.Add((TypeDefinitionHandle)handle);
                break;
            case HandleKind.TypeSpecification:
                _reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(provider, null);
                break;
            case HandleKind.MethodDefinition:
                provider.Used.Add(_reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                provider.Used.Add(_reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                AddEntity(member.Parent, provider);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(provider, null);
                }
                else
                {
                    member.DecodeFieldSignature(provider, null);
                }

                break;
            case HandleKind.MethodSpecification:
                var spec = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddEntity(spec.Method, provider);
                spec.DecodeSignature(provider, null);
                break;
        }
    }

    private TypeDefinitionHandle Outermost(TypeDefinitionHandle handle)
    {
        while (true)
        {
            var declaring = _reader.GetTypeDefinition(handle).GetDeclaringType();
            if (declaring.IsNil)
            {
                return handle;
            }

            handle = declaring;
        }
    }

    private string NameOf(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        return _reader.GetString(type.Namespace) + "." + _reader.GetString(type.Name);
    }

    /// <summary>The folder of a type (of its outermost declaring type), or null when it takes no part.</summary>
    private string? FolderOf(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(Outermost(handle));
        var ns = _reader.GetString(type.Namespace);
        string folder;
        if (ns == _rootNamespace)
        {
            folder = "(root)";
        }
        else if (ns.StartsWith(_rootNamespace + ".", StringComparison.Ordinal))
        {
            // A subfolder is its folder's own implementation (Transport/InMemory is one of Transport's transports).
            folder = ns[(_rootNamespace.Length + 1)..].Split('.')[0];
        }
        else
        {
            return null;
        }

        return folder == "Hosting" ? null : folder;
    }

    /// <summary>Decodes signatures only to note every type of this assembly they name.</summary>
    private sealed class Collector(HashSet<TypeDefinitionHandle> used) : ISignatureTypeProvider<int, object?>
    {
        public HashSet<TypeDefinitionHandle> Used { get; } = used;

        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Used.Add(handle);
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
            return 0;
        }

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;
        public int GetArrayType(int elementType, ArrayShape shape) => 0;
        public int GetByReferenceType(int elementType) => 0;
        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
        public int GetGenericMethodParameter(object? genericContext, int index) => 0;
        public int GetGenericTypeParameter(object? genericContext, int index) => 0;
        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
        public int GetPinnedType(int elementType) => 0;
        public int GetPointerType(int elementType) => 0;
        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
        public int GetSZArrayType(int elementType) => 0;
    }
}
