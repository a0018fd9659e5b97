"""Finding the components and prefabs of a Kamaelia installation, by reading its source.

Example Usage
-------------
Which components and prefabs does the installed Kamaelia have?
::

    >>> from Kamaelia.Support.Data import Repository
    >>> components = Repository.GetAllKamaeliaComponents()
    >>> components[("Kamaelia", "XML", "SimpleXMLParser")]
    ['SimpleXMLParser']
    >>> nested = Repository.GetAllKamaeliaComponentsNested()
    >>> nested["Kamaelia"]["XML"]["SimpleXMLParser"]
    ['SimpleXMLParser']
    >>> Repository.GetAllKamaeliaPrefabs()[("Kamaelia", "Experimental", "Chassis")]
    ['Pipeline', 'Graphline', 'Carousel', 'InboxControlledCarousel']

Give ``baseDir`` to look at another tree (your own components, say):
``Repository.GetAllKamaeliaComponents(baseDir="/data/my-components")``.
The module paths still start with ``"Kamaelia"``, as in 1.14.

For everything the source says about a module tree, build a ``ModuleDoc``
and resolve it (which finds base classes across modules)::

    >>> import os, Kamaelia
    >>> tree = Repository.ModuleDoc("Kamaelia", os.path.dirname(Kamaelia.__file__))
    >>> tree.resolve(roots={"Kamaelia": tree})
    >>> module = tree.find("XML.SimpleXMLParser")
    >>> name, parser = module.listAllComponents()[0]
    >>> parser.module, sorted(parser.inboxes)
    ('Kamaelia.XML.SimpleXMLParser', ['control', 'inbox'])
    >>> init = parser.find("__init__")
    >>> init.argString
    'self[, maxtokensize]'

How does it work?
-----------------
The source files are parsed with the standard library's ``ast`` module and
never imported, so a module whose dependencies are missing (no pygame, say)
is still described, and nothing runs. (1.14 used the ``compiler`` module,
which Python 3 removed; its ``Repository`` raised ``NotImplementedError``
on import.) A file that cannot be read or parsed is logged as a warning
and described as an empty module.

A module marks its components and prefabs with module-level tuples (or
lists) of the classes and functions, or of their names::

    __kamaelia_components__ = (ConsoleReader, ConsoleEchoer)
    __kamaelia_prefabs__ = ("Pipeline",)

Only classes and functions defined in that module itself count (a name it
imports from elsewhere is listed under the module that defines it).

The description is a tree of scopes, one object per declaration:

- ``ModuleDoc`` -- a module or package (``doc``, ``module``, ``components``
  and ``prefabs``: the names declared); a package's sub-modules are among
  its symbols;
- ``ClassScope`` -- a class (``doc``, ``bases``, and after ``resolve()``
  ``allBasesInMethodResolutionOrder``); a component also has ``inboxes``
  and ``outboxes`` (dicts of box name to description, read from its
  ``Inboxes``/``Outboxes`` declaration; empty if the class itself declares
  none) and ``isComponent``;
- ``FunctionScope`` -- a function or method (``doc``, ``args``: pairs of
  (name, how it is shown), ``argString`` such as ``'self[, prompt][, eol]'``);
  a prefab also has ``isPrefab``;
- ``ImportScope`` -- something imported, named by ``importPathName``;
- ``UnparsedScope`` -- any other value (its ``ast`` node is kept).

Every scope has ``find("A.B")`` (raises ``ValueError`` if not there),
``locate(scope)``, and ``listAllClasses()``, ``listAllFunctions()``,
``listAllModules()``, ``listAllNonImports()`` returning ``(name, scope)``
pairs; ``recurseDepth=n`` also looks ``n`` levels down. Simple assignments
are followed (``Foo = Boo``, ``from Axon.Component import component as
c``); statements inside ``if``, ``try`` and ``with`` blocks at module or
class level are read too (1.14 skipped them), every branch, the last
assignment winning. Code inside functions is not read.

``localModules`` maps sibling module names to their full names, as
Python 2's implicit relative imports needed; ``from . import x`` and
``from .x import y`` are resolved against the module's own package.
"""

from __future__ import annotations

import ast
import logging
import os
from os.path import exists, isdir, isfile, islink
from os.path import join as pathjoin
from typing import Any, Iterable, Mapping

__all__ = ["Scope", "ModuleScope", "ClassScope", "FunctionScope", "ImportScope",
           "UnparsedScope", "ModuleDoc", "GetAllKamaeliaComponents",
           "GetAllKamaeliaComponentsNested", "GetAllKamaeliaPrefabs",
           "GetAllKamaeliaPrefabsNested"]

log = logging.getLogger("Kamaelia.Support.Data.Repository")

# Statements whose bodies are read as if they were at the level they are on.
_COMPOUND = (ast.If, ast.Try, ast.With, ast.AsyncWith) + (
    (ast.TryStar,) if hasattr(ast, "TryStar") else ())


def _bodies(node: ast.stmt) -> Iterable[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        yield getattr(node, field, None) or []
    for handler in getattr(node, "handlers", None) or []:
        yield handler.body


class Scope(object):
    """Scope(type="Module", ASTChildren=None, imports=None, localModules={}, rootScope=None)

    A declaration scope (module, class, function, import...): something
    that holds named symbols.

    - type         -- what kind of scope this is ("Module", "Class", ...)
    - ASTChildren  -- the ``ast`` statements inside it, parsed here
    - imports      -- the ImportScope at the root of the imports seen (shared)
    - localModules -- sibling module name -> full module name
    - rootScope    -- the scope at the lexical root (the module)
    """

    def __init__(self, type: str = "Module", ASTChildren: Any = None,
                 imports: "ImportScope | None" = None,
                 localModules: Mapping[str, str] | None = None,
                 rootScope: "Scope | None" = None) -> None:
        super().__init__()
        self.symbols: dict[str, Any] = {}
        self.type = type
        self.imports = imports if imports is not None else ImportScope("")
        self.localModules = dict(localModules or {})
        self.rootScope = rootScope if rootScope is not None else self
        if ASTChildren:
            self._parse(ASTChildren)

    def __repr__(self) -> str:
        node = getattr(self, "ast", None)
        name = (getattr(self, "importPathName", None)
                or (getattr(self, "module", "") if isinstance(self, ModuleScope) else "")
                or getattr(node, "name", "") or self.type)
        return f"<{type(self).__name__} {name}>"

    def _parse(self, statements: Iterable[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.ImportFrom):
                self._parse_From(node)
            elif isinstance(node, ast.Import):
                self._parse_Import(node)
            elif isinstance(node, ast.ClassDef):
                self._parse_Class(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._parse_Function(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                self._parse_Assign(node)
            elif isinstance(node, _COMPOUND):
                for body in _bodies(node):
                    self._parse(body)
            # anything else (expressions, loops, augmented assignments) is ignored

    # ------------------------------------------------------------ parsing
    def _sourceModule(self, node: ast.ImportFrom) -> str:
        """The full name of the module a ``from ... import`` reads from."""
        module = node.module or ""
        if not node.level:
            return self.localModules.get(module, module)
        root = self.rootScope
        here = getattr(root, "module", "") or ""
        package = here.split(".") if getattr(root, "isPackage", False) else here.split(".")[:-1]
        if node.level > 1:
            package = package[:len(package) - (node.level - 1)]
        return ".".join([part for part in package if part] + ([module] if module else []))

    def _parse_From(self, node: ast.ImportFrom) -> None:
        """Parse a 'from ... import' statement: each name is an import."""
        sourceModule = self._sourceModule(node)
        for alias in node.names:
            if alias.name == "*":
                continue                         # cannot know the names without importing
            mapsTo = ".".join(part for part in (sourceModule, alias.name) if part)
            self._assignQuietly(alias.asname or alias.name, self.imports.find(mapsTo))

    def _parse_Import(self, node: ast.Import) -> None:
        """Parse an 'import' statement."""
        for alias in node.names:
            name = alias.name
            fullname = self.localModules.get(name, name)
            theImport = self.imports.find(fullname)
            if alias.asname is not None:
                self._assignQuietly(alias.asname, theImport)
                continue
            # "import A.B" binds "A": find the import the first part stands for.
            fullParts, nameParts = fullname.split("."), name.split(".")
            head = fullParts[:len(fullParts) - len(nameParts) + 1]
            self._assignQuietly(nameParts[0], self.imports.find(".".join(head)))

    def _parse_Class(self, node: ast.ClassDef) -> None:
        """Parse a class statement."""
        self.assign(node.name, ClassScope(node, self.imports, self.localModules,
                                          self.rootScope, self))

    def _parse_Function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Parse a function definition (its body is not read)."""
        self.assign(node.name, FunctionScope(node, self.imports, self.localModules,
                                             self.rootScope))

    def _parse_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        """Parse an assignment: simple names, and tuples/lists of them, are followed."""
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign):
            if node.value is None:
                return
            targets, value = [node.target], node.value
        else:
            targets, value = node.targets, node.value
        for target in targets:
            resolved = []
            for name, expr in self._mapAssign(target, value):
                if isinstance(expr, str):
                    try:
                        found = self.find(expr)
                    except ValueError:
                        found = UnparsedScope(ast.Name(id=expr, ctx=ast.Load()), self.imports,
                                              self.localModules, self.rootScope)
                else:
                    found = UnparsedScope(expr, self.imports, self.localModules,
                                          self.rootScope)
                resolved.append((name, found))
            for name, found in resolved:
                self._assignQuietly(name, found)

    def _mapAssign(self, target: Any, expr: Any) -> list[tuple[str, Any]]:
        """Pair each name on the left of an assignment with its value on the right.

        Returns ``(name, value)`` pairs: the value is a dotted name (str) when
        the right-hand side is a name, else the ``ast`` expression.
        """
        if isinstance(target, ast.Name):
            if isinstance(expr, (ast.Name, ast.Attribute)):
                return [(target.id, self._parse_Name(expr))]
            return [(target.id, expr)]
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(expr, (ast.Tuple, ast.List)) and len(expr.elts) == len(target.elts):
                pairs: list[tuple[str, Any]] = []
                for subTarget, subExpr in zip(target.elts, expr.elts):
                    pairs.extend(self._mapAssign(subTarget, subExpr))
                return pairs
            # "a, b = something": each name gets the (unparsed) whole
            return [(element.id, expr) for element in target.elts
                    if isinstance(element, ast.Name)]
        return []                                  # attributes, subscripts: not followed

    def _parse_Name(self, node: Any) -> str:
        """The dotted name an expression spells ("" if it is not a name)."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            inner = self._parse_Name(node.value)
            return f"{inner}.{node.attr}" if inner else ""
        return ""

    def _assignQuietly(self, name: str, value: Any) -> None:
        try:
            self.assign(name, value)
        except ValueError:
            pass            # e.g. "a.b = ..." where a is unknown: nothing to record

    # ------------------------------------------------------------ queries
    def resolveName(self, provisionalName: str) -> str:
        """The real full name of what this scope stands for (imports know better)."""
        return provisionalName

    def find(self, name: str, checkRoot: bool = True) -> Any:
        """The scope for dotted ``name`` below here; ValueError if there is none.

        - checkRoot -- if not found here, look in the root scope too
        """
        head, _, tail = name.partition(".")
        if head in self.symbols:
            found = self.symbols[head]
            return found if not tail else found.find(tail, checkRoot=False)
        if checkRoot and self.rootScope is not self:
            return self.rootScope.find(name, checkRoot=False)
        raise ValueError(f"{name!r} is not declared in this {self.type.lower()} scope")

    def locate(self, value: Any) -> str:
        """The dotted path of ``value`` below here (the reverse of find); ValueError if absent."""
        return self._locate(value, set())

    def _locate(self, value: Any, seen: set[int]) -> str:
        seen.add(id(self))
        for symbol, item in self.symbols.items():
            if item is value:
                return symbol
        for symbol, item in self.symbols.items():
            if id(item) in seen or not isinstance(item, Scope):
                continue
            try:
                return symbol + "." + item._locate(value, seen)
            except ValueError:
                pass
        raise ValueError(f"{value!r} is not below this scope")

    def assign(self, name: str, value: Any, checkRoot: bool = True) -> None:
        """Set dotted ``name`` to ``value``; ValueError if the path leading to it is unknown.

        - checkRoot -- if the path's first part is not here, try the root scope
        """
        head, _, tail = name.partition(".")
        if not tail:
            self.symbols[head] = value
            return
        if head in self.symbols:
            self.symbols[head].assign(tail, value, checkRoot=False)
            return
        if checkRoot and self.rootScope is not self:
            self.rootScope.assign(name, value, checkRoot=False)
            return
        raise ValueError(f"cannot assign {name!r}: {head!r} is not declared here")

    def listAllClasses(self, **options: Any) -> list[tuple[str, Any]]:
        return self.listAllMatching(ClassScope, **options)

    def listAllFunctions(self, **options: Any) -> list[tuple[str, Any]]:
        return self.listAllMatching(FunctionScope, **options)

    def listAllModules(self, **options: Any) -> list[tuple[str, Any]]:
        return self.listAllMatching(ModuleScope, **options)

    def listAllNonImports(self, **options: Any) -> list[tuple[str, Any]]:
        return self.listAllNotMatching((ImportScope, ModuleScope), **options)

    def listAllMatching(self, types: Any, noRecurseTypes: Any = None,
                        recurseDepth: int = 0) -> list[tuple[str, Any]]:
        """(path, scope) pairs of the symbols that are instances of ``types``.

        - noRecurseTypes -- scope types not looked inside (default: modules)
        - recurseDepth   -- how many levels below this one to look too (default 0)
        """
        return self._listAll(types, True, noRecurseTypes, recurseDepth)

    def listAllNotMatching(self, types: Any, noRecurseTypes: Any = None,
                           recurseDepth: int = 0) -> list[tuple[str, Any]]:
        """(path, scope) pairs of the symbols that are *not* instances of ``types``.

        (1.14 returned the symbols that *did* match from the levels below.)
        """
        return self._listAll(types, False, noRecurseTypes, recurseDepth)

    def _listAll(self, types: Any, matching: bool, noRecurseTypes: Any,
                 recurseDepth: int) -> list[tuple[str, Any]]:
        if noRecurseTypes is None:
            noRecurseTypes = (ModuleScope,)
        found = []
        for symbol, item in self.symbols.items():
            if isinstance(item, types) == matching:
                found.append((symbol, item))
            if recurseDepth > 0 and isinstance(item, Scope) \
                    and not isinstance(item, noRecurseTypes):
                for name, thing in item._listAll(types, matching, noRecurseTypes,
                                                 recurseDepth - 1):
                    found.append((symbol + "." + name, thing))
        return found

    def resolve(self, _resolvePass: int | None = None,
                roots: Mapping[str, Any] | None = None) -> None:
        """Resolve base classes across modules and work out method resolution orders.

        Call it once the whole tree is built, on its top.

        - roots -- top-level name -> the ModuleDoc for it, e.g. ``{"Kamaelia": tree}``
        """
        roots = roots or {}
        if _resolvePass is None:
            self.resolve(_resolvePass=1, roots=roots)
            self.resolve(_resolvePass=2, roots=roots)
            return
        done = self.__dict__.setdefault("_resolvedPasses", set())
        if _resolvePass in done:        # shared or aliased scopes: once is enough
            return
        done.add(_resolvePass)
        for item in list(self.symbols.values()):
            if isinstance(item, Scope):
                item.resolve(_resolvePass=_resolvePass, roots=roots)


class ModuleScope(Scope):
    """ModuleScope(AST, localModules={}) -> scope of a module (``AST``: an ``ast.Module``)"""

    def __init__(self, AST: ast.Module, localModules: Mapping[str, str] | None = None) -> None:
        super().__init__("Module", AST.body, None, localModules, None)
        self.ast = AST
        self.doc = ast.get_docstring(AST, clean=False) or ""


class ClassScope(Scope):
    """ClassScope(AST, imports, localModules, rootScope, parentScope) -> scope of a class

    Attributes: ``doc``; ``bases``, (name, scope) pairs (the scope is None
    for a base that cannot be found); after ``resolve()``,
    ``allBasesInMethodResolutionOrder``, this class and its bases in C3
    order (imported bases that cannot be followed are ImportScopes there).
    """

    def __init__(self, AST: ast.ClassDef, imports: "ImportScope", localModules: Any,
                 rootScope: Scope, parentScope: Scope) -> None:
        super().__init__("Class", AST.body, imports, localModules, rootScope)
        self.ast = AST
        self.doc = ast.get_docstring(AST, clean=False) or ""
        self.bases: list[tuple[str, Any]] = []
        self.allBasesInMethodResolutionOrder: list[Any] = [self]
        for baseNode in AST.bases:
            parsedBaseName = self._parse_Name(baseNode)
            try:
                base = parentScope.find(parsedBaseName) if parsedBaseName else None
                resolvedBaseName = base.resolveName(parsedBaseName) if base else parsedBaseName
            except ValueError:
                base, resolvedBaseName = None, parsedBaseName
            self.bases.append((resolvedBaseName, base))

    def resolve(self, _resolvePass: int | None = None,
                roots: Mapping[str, Any] | None = None) -> None:
        """Pass 1 follows imported bases into ``roots``; pass 2 works out the MRO."""
        roots = roots or {}
        if _resolvePass is None:
            super().resolve(None, roots)
            return
        already = _resolvePass in self.__dict__.get("_resolvedPasses", ())
        super().resolve(_resolvePass, roots)
        if already:
            return
        if _resolvePass == 1 and roots:
            self.bases = [(name, _followImport(name, base, roots)) for name, base in self.bases]
        elif _resolvePass == 2:
            self.allBasesInMethodResolutionOrder = _determineMRO(self)


def _followImport(name: str, base: Any, roots: Mapping[str, Any]) -> Any:
    """Chase an imported base class through the trees in ``roots``, as far as it goes."""
    seen: set[str] = set()
    while (base is None or isinstance(base, ImportScope)) and name and name not in seen:
        seen.add(name)
        found = None
        for rootName, rootModule in roots.items():
            if name == rootName or name.startswith(rootName + "."):
                tail = name[len(rootName) + 1:]
                try:
                    found = rootModule.find(tail) if tail else rootModule
                except ValueError:
                    continue
                break
        if found is None or found is base:
            break
        base = found
        if isinstance(base, ImportScope):
            name = base.importPathName
    return base


def _determineMRO(klass: Any) -> list[Any]:
    """``klass`` and its bases in C3 order (Python's); a depth-first order if there is none."""
    cache: dict[int, list[Any]] = {}

    def mro(scope: Any, active: frozenset[int]) -> list[Any]:
        if not isinstance(scope, ClassScope):
            return [scope]
        if id(scope) in cache:
            return cache[id(scope)]
        if id(scope) in active:              # a cycle of bases: stop here
            return [scope]
        active = active | {id(scope)}
        bases = [base for _, base in scope.bases if base is not None]
        sequences = [list(mro(base, active)) for base in bases] + [list(bases)]
        order = [scope]
        while any(sequences):
            sequences = [seq for seq in sequences if seq]
            for seq in sequences:
                head = seq[0]
                if not any(head in other[1:] for other in sequences):
                    break
            else:
                log.warning("no consistent method resolution order for class %s; "
                            "using depth-first order", getattr(scope.ast, "name", scope))
                for seq in sequences:
                    order.extend(item for item in seq if item not in order)
                break
            order.append(head)
            for seq in sequences:
                if seq and seq[0] is head:
                    del seq[0]
        cache[id(scope)] = order
        return order

    return mro(klass, frozenset())


def _argumentsOf(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str]]:
    arguments = node.args
    positional = list(arguments.posonlyargs) + list(arguments.args)
    firstDefault = len(positional) - len(arguments.defaults)
    shown = [(arg.arg, f"[{arg.arg}]" if i >= firstDefault else arg.arg)
             for i, arg in enumerate(positional)]
    if arguments.vararg is not None:
        shown.append((arguments.vararg.arg, "*" + arguments.vararg.arg))
    elif arguments.kwonlyargs:
        shown.append(("*", "*"))
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        shown.append((arg.arg, arg.arg if default is None else f"[{arg.arg}]"))
    if arguments.kwarg is not None:
        shown.append((arguments.kwarg.arg, "**" + arguments.kwarg.arg))
    return shown


class FunctionScope(Scope):
    """FunctionScope(AST, imports, localModules, rootScope) -> scope of a function

    Attributes: ``doc``; ``args``, (name, shown) pairs in order, where an
    argument with a default is shown as ``"[name]"`` and ``*args`` /
    ``**kwargs`` with their stars; ``argString``, e.g. ``"self[, prompt][, eol]"``.
    The function's body is not read.
    """

    def __init__(self, AST: ast.FunctionDef | ast.AsyncFunctionDef, imports: "ImportScope",
                 localModules: Any, rootScope: Scope) -> None:
        super().__init__("Function", None, imports, localModules, rootScope)
        self.ast = AST
        self.doc = ast.get_docstring(AST, clean=False) or ""
        self.args = _argumentsOf(AST)
        self.argString = ", ".join(shown for _, shown in self.args).replace(", [", "[, ")


class ImportScope(Scope):
    """ImportScope(importPathName="", imports=None) -> scope standing for something imported

    ``importPathName`` is its full name (e.g. ``"Axon.Component.component"``).
    Looking a name up below an import always succeeds: a placeholder is
    made for it, since what is inside cannot be known without importing.
    """

    def __init__(self, importPathName: str = "", imports: "ImportScope | None" = None) -> None:
        if importPathName == "" and imports is None:
            imports = self
        super().__init__("Module", None, imports, {}, None)
        self.doc = ""
        self.importPathName = importPathName

    def resolveName(self, provisionalName: str) -> str:
        """The full (real) name of what was imported."""
        return self.importPathName

    def _child(self, head: str) -> "ImportScope":
        if head not in self.symbols:
            fullname = f"{self.importPathName}.{head}" if self.importPathName else head
            self.symbols[head] = ImportScope(fullname, self.imports)
        return self.symbols[head]

    def find(self, name: str, checkRoot: bool = False) -> Any:
        head, _, tail = name.partition(".")
        found = self.symbols[head] if head in self.symbols else self._child(head)
        return found if not tail else found.find(tail, checkRoot=False)

    def assign(self, name: str, value: Any, checkRoot: bool = False) -> None:
        head, _, tail = name.partition(".")
        if not tail:
            self.symbols[head] = value
        else:
            found = self.symbols[head] if head in self.symbols else self._child(head)
            found.assign(tail, value, checkRoot=False)


class UnparsedScope(Scope):
    """UnparsedScope(AST, imports, localModules, rootScope) -> a value that is not a
    class, function or import; ``ast`` is its expression, ``doc`` is empty"""

    def __init__(self, AST: Any, imports: "ImportScope", localModules: Any,
                 rootScope: Scope) -> None:
        super().__init__("Unparsed", None, imports, localModules, rootScope)
        self.doc = ""
        self.ast = AST


def _readModule(filePath: str) -> ast.Module:
    try:
        with open(filePath, "rb") as source:
            return ast.parse(source.read(), filename=filePath)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError) as error:
        log.warning("Repository: skipping %s, which cannot be parsed: %s", filePath, error)
        return ast.Module(body=[], type_ignores=[])


def _isPackageDir(path: str, name: str) -> bool:
    return name.isidentifier() and isdir(path) and not islink(path)


class ModuleDoc(ModuleScope):
    """ModuleDoc(moduleName, filePath, localModules={}) -> description of a module or package

    - moduleName   -- the module's full name, e.g. ``"Kamaelia.Util.Console"``
    - filePath     -- its source file, or its directory for a package
      (whose sub-modules and sub-packages are read too)
    - localModules -- sibling module name -> full name (for a single file)

    Attributes: ``module`` (the name), ``doc``, ``components`` and ``prefabs``
    (the names in ``__kamaelia_components__`` / ``__kamaelia_prefabs__``).
    """

    def __init__(self, moduleName: str, filePath: str,
                 localModules: Mapping[str, str] | None = None) -> None:
        self.ignoreFilenames = [".svn", "__init__.py", "__pycache__"]
        # Known before parsing, so that relative imports can be resolved.
        self.module = moduleName
        self.isPackage = isdir(filePath)
        if self.isPackage:
            subModules, localModules, AST = self.scanSubdirs(filePath, moduleName)
        else:
            subModules = {}
            AST = self.scanSelfOnly(filePath)
        log.debug("Parsing: %s", moduleName)
        super().__init__(AST, localModules)
        self.identifyComponentsAndPrefabs()
        self.augmentComponentsAndPrefabs()
        for _, item in self.listAllNonImports():
            item.module = moduleName
        for name, subModule in subModules.items():
            self.assign(name, subModule)

    def scanSubdirs(self, filePath: str, moduleName: str
                    ) -> tuple[dict[str, "ModuleDoc"], dict[str, str], ast.Module]:
        """Read the package in directory ``filePath``: (sub-modules, local module names, its AST)."""
        initFile = pathjoin(filePath, "__init__.py")
        AST = _readModule(initFile) if exists(initFile) else ast.Module(body=[], type_ignores=[])
        names = sorted(os.listdir(filePath))
        subdirs = [name for name in names if name not in self.ignoreFilenames
                   and _isPackageDir(pathjoin(filePath, name), name)]
        sourcefiles = [name for name in names if name.endswith(".py")
                       and name not in self.ignoreFilenames and name[:-3].isidentifier()
                       and isfile(pathjoin(filePath, name))]
        subModules: dict[str, ModuleDoc] = {}
        localModules: dict[str, str] = {}
        for subDir in subdirs:
            subModule = ModuleDoc(f"{moduleName}.{subDir}", pathjoin(filePath, subDir))
            subModules[subDir] = subModule
            for key, value in subModule.localModules.items():
                localModules[f"{subDir}.{key}"] = value
        for file in sourcefiles:
            localModules[file[:-3]] = f"{moduleName}.{file[:-3]}"
        for file in sourcefiles:
            modName = file[:-3]
            subModules[modName] = ModuleDoc(f"{moduleName}.{modName}",
                                            pathjoin(filePath, file), localModules)
        return subModules, localModules, AST

    def scanSelfOnly(self, filePath: str) -> ast.Module:
        """Read the single source file ``filePath``."""
        return _readModule(filePath)

    def identifyComponentsAndPrefabs(self) -> None:
        """Read ``__kamaelia_components__`` and ``__kamaelia_prefabs__`` into
        ``components`` and ``prefabs`` (lists of names)."""
        self.components = self._declared("__kamaelia_components__")
        self.prefabs = self._declared("__kamaelia_prefabs__")

    def _declared(self, name: str) -> list[str]:
        try:
            return _stringsInList(self.find(name).ast)
        except (ValueError, TypeError, AttributeError):
            return []

    def augmentComponentsAndPrefabs(self) -> None:
        """Mark components (``isComponent``, ``inboxes``, ``outboxes``) and prefabs (``isPrefab``)."""
        for _, component in self.listAllComponents():
            component.isComponent = True
            component.inboxes = _boxesOf(component, "Inboxes")
            component.outboxes = _boxesOf(component, "Outboxes")
        for _, prefab in self.listAllPrefabs():
            prefab.isPrefab = True

    def listAllComponents(self, **options: Any) -> list[tuple[str, Any]]:
        return [(name, cls) for name, cls in self.listAllClasses(**options)
                if name in self.components]

    def listAllPrefabs(self, **options: Any) -> list[tuple[str, Any]]:
        return [(name, function) for name, function in self.listAllFunctions(**options)
                if name in self.prefabs]

    def listAllComponentsAndPrefabs(self, **options: Any) -> list[tuple[str, Any]]:
        return self.listAllComponents(**options) + self.listAllPrefabs(**options)

    def listAllModulesIncSubModules(self) -> list[tuple[str, Any]]:
        modules = [(self.module, self)]
        for _, module in self.listAllModules(recurseDepth=0):
            modules.extend(module.listAllModulesIncSubModules())
        return modules

    def listAllComponentsIncSubModules(self) -> list[tuple[str, Any]]:
        found = [(f"{self.module}.{name}", item)
                 for name, item in self.listAllComponents(recurseDepth=5)]
        for _, module in self.listAllModules(recurseDepth=0):
            found.extend(module.listAllComponentsIncSubModules())
        return found

    def listAllPrefabsIncSubModules(self) -> list[tuple[str, Any]]:
        found = [(f"{self.module}.{name}", item)
                 for name, item in self.listAllPrefabs(recurseDepth=5)]
        for _, module in self.listAllModules(recurseDepth=0):
            found.extend(module.listAllPrefabsIncSubModules())
        return found


def _stringsInList(theList: Any) -> list[str]:
    """The names in a (nested) tuple or list of names and strings."""
    if isinstance(theList, (ast.Tuple, ast.List)):
        items: Iterable[Any] = theList.elts
    elif isinstance(theList, (list, tuple)):
        items = theList
    else:
        raise TypeError("not a tuple or list")
    found: list[str] = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            found.append(item.value)
        elif isinstance(item, ast.Name):
            found.append(item.id)
        elif isinstance(item, (ast.Tuple, ast.List, list, tuple)):
            found.extend(_stringsInList(item))
    return found


def _boxesOf(component: ClassScope, declaration: str) -> dict[str, str]:
    """Box name -> description, from the class's own Inboxes/Outboxes declaration."""
    try:
        node = component.find(declaration, checkRoot=False).ast
    except (ValueError, AttributeError):
        return {}
    return _parseBoxes(node)


def _literal(node: Any) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _parseBoxes(node: Any) -> dict[str, str]:
    """Boxes declared as a dict {name: description} or a list/tuple of names."""
    boxes: dict[str, str] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            name = _literal(key) if key is not None else None
            if isinstance(name, str):
                description = _literal(value)
                boxes[name] = description if isinstance(description, str) else ""
    elif isinstance(node, (ast.List, ast.Tuple)):
        for item in node.elts:
            name = _literal(item)
            if isinstance(name, str):
                boxes[name] = ""
    return boxes


def _kamaeliaDir(baseDir: str | None) -> str:
    if baseDir is None:
        import Kamaelia
        return os.path.dirname(Kamaelia.__file__)
    if not isdir(baseDir):
        raise ValueError(f"baseDir must be a directory, not {baseDir!r}")
    return baseDir


def _flat(found: list[tuple[str, Any]]) -> dict[tuple[str, ...], list[str]]:
    names: dict[tuple[str, ...], list[str]] = {}
    for fullName, _ in found:
        parts = fullName.split(".")
        names.setdefault(tuple(parts[:-1]), []).append(parts[-1])
    return names


def GetAllKamaeliaComponents(baseDir: str | None = None) -> dict[tuple[str, ...], list[str]]:
    """Module path (a tuple, e.g. ("Kamaelia", "Util", "Console")) -> its component names.

    - baseDir -- the top directory to read (default: the installed Kamaelia)
    """
    tree = ModuleDoc("Kamaelia", _kamaeliaDir(baseDir))
    return _flat(tree.listAllComponentsIncSubModules())


def GetAllKamaeliaPrefabs(baseDir: str | None = None) -> dict[tuple[str, ...], list[str]]:
    """Module path (a tuple) -> its prefab names.

    - baseDir -- the top directory to read (default: the installed Kamaelia)
    """
    tree = ModuleDoc("Kamaelia", _kamaeliaDir(baseDir))
    return _flat(tree.listAllPrefabsIncSubModules())


def GetAllKamaeliaComponentsNested(baseDir: str | None = None) -> dict[str, Any]:
    """Nested dicts, one level per module name, with lists of component names as leaves:
    ``r["Kamaelia"]["Util"]["Console"] == ["ConsoleReader", "ConsoleEchoer"]``.

    - baseDir -- the top directory to read (default: the installed Kamaelia)
    """
    return _nest(GetAllKamaeliaComponents(baseDir))


def GetAllKamaeliaPrefabsNested(baseDir: str | None = None) -> dict[str, Any]:
    """Nested dicts of module names with lists of prefab names as leaves.

    - baseDir -- the top directory to read (default: the installed Kamaelia)
    """
    return _nest(GetAllKamaeliaPrefabs(baseDir))


#: Where a package's own names go in a nested listing when it also has sub-modules.
PACKAGE_KEY = "__init__"


def _nest(flat: Mapping[tuple[str, ...], list[str]]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for path in sorted(flat):
        node = nested
        for element in path[:-1]:
            child = node.get(element)
            if isinstance(child, list):          # a package with names of its own
                child = node[element] = {PACKAGE_KEY: child}
            elif child is None:
                child = node[element] = {}
            node = child
        leaf = path[-1]
        if isinstance(node.get(leaf), dict):
            node[leaf].setdefault(PACKAGE_KEY, []).extend(flat[path])
        else:
            node.setdefault(leaf, []).extend(flat[path])
    return nested
