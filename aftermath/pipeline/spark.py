"""The derived tables computed on Apache Spark (`aftermath load --engine spark`).

Each derived file's DuckDB SQL runs on Spark as it is, transpiled by sqlglot at run time with the
shared macros expanded in its syntax tree first and the DuckDB-only forms sqlglot leaves alone
rewritten by the small rules below (bitstrings as text, unsigned integers as bigints, list
functions Spark names otherwise): no file has a Spark copy, and tests/test_spark_engine.py
requires the two engines' tables to be the same. Every step is written as Parquet and read back,
so no plan grows longer than one file's; the dashboard's DuckDB file is then filled from those
Parquet files, each column cast to the type the DuckDB engine gives it, so pages, `export` and
`report` cannot tell which engine ran.

pyspark is an optional extra (`pip install -e '.[spark]'`) and needs a Java runtime (17+).
"""

import logging
import os
import re
import shutil
from functools import cache
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp, transforms
from sqlglot.dialects.spark import Spark

from aftermath import schema
from aftermath.errors import InputError
from aftermath.ingest.discover import table_for
from aftermath.pipeline.derived import build_step, create_macros
from aftermath.pipeline.lexicon import store_lexicon
from aftermath.pipeline.order import DerivedStep, derived_queries
from aftermath.pipeline.refresh_scope import LEXICON_TABLES
from aftermath.progress import SILENT, Progress
from aftermath.queries import PASS_PARAMS, Query, quoted_identifier
from aftermath.settings import Settings

DEFAULT_MASTER = "local[*]"
# Tables the derived SQL reads besides the contract's inputs: the lexicon and the load's facts.
LOADED_TABLES = (*LEXICON_TABLES, "load_info")
# Small data by default: Spark's 200 shuffle partitions would make thousands of tiny tasks.
SHUFFLE_PARTITIONS = "4"
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


def fetch_inputs(uri: str, into: Path, master: str | None = None) -> Path:
    """The contract's files in the folder at `uri`, read by Spark (any file system it reads) and
    written below `into` as one Parquet file per table with the columns as read (a CSV's all
    text), for the load to validate as a local folder: the rules, rejects and load report keep
    their one definition. Files not named after a table are left alone (no vendor exports)."""
    spark = spark_session(master)
    context = spark.sparkContext
    folder = context._jvm.org.apache.hadoop.fs.Path(uri)
    try:
        found = folder.getFileSystem(context._jsc.hadoopConfiguration()).listStatus(folder)
    except Exception as e:  # a folder that is not there or a file system Spark cannot reach
        raise InputError(f"{uri}: Spark cannot list it: {_first_line(e)}") from None
    into.mkdir(parents=True, exist_ok=True)
    for status in sorted(found, key=lambda s: s.getPath().getName()):
        name = status.getPath().getName()
        table = table_for(Path(name))
        if table is None or not status.isFile():
            continue
        target = into / f"{table}.parquet"
        if target.exists():
            raise InputError(f"{uri}: two files for the {table} table; keep one")
        staged = into / "_spark" / table
        try:
            _raw_frame(spark, str(status.getPath()), name.lower()).coalesce(1).write.parquet(
                str(staged)
            )
        except Exception as e:  # Spark's errors arrive as Py4J and pyspark exceptions
            raise InputError(f"{uri}/{name}: Spark could not read it: {_first_line(e)}") from None
        (part,) = staged.glob("part-*.parquet")
        part.rename(target)
    shutil.rmtree(into / "_spark", ignore_errors=True)
    return into


def _raw_frame(spark, path: str, name: str):
    """A file as Spark reads it: a CSV's columns all text, quotes doubled inside quotes and
    values across lines as in RFC 4180; a .json file one document, .jsonl one per line."""
    if name.endswith(".parquet"):
        return spark.read.parquet(path)
    if name.endswith(".json"):
        return spark.read.option("multiLine", "true").json(path)
    if name.endswith((".jsonl", ".ndjson")):
        return spark.read.json(path)
    return spark.read.options(header="true", multiLine="true", escape='"').csv(path)


def spark_session(master: str | None = None, conf: dict[str, str] | None = None):
    """The process's SparkSession on `master`, made on first use: a running session on the same
    master (or any, without a master) is returned as it is, one on another master stopped first.
    UTC, timestamps without zone as DuckDB's, no UI. Without a master: spark-submit's when it
    runs us, else local[*]. `conf` adds Spark settings to a new session."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "--engine spark needs pyspark: pip install 'aftermath[spark]' (and a Java runtime, "
            "17 or newer)"
        ) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise InputError("--engine spark needs a Java runtime (17 or newer): none is on PATH")
    # PySpark logs each failed statement's whole Java stack; the load says it in one line.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    # Under spark-submit the JVM is already up (its gateway port is set) with the master it was
    # given; outside it, local mode unless told otherwise.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = master or (None if submitted else DEFAULT_MASTER)
    active = SparkSession.getActiveSession()
    if active is not None and (master is None or active.sparkContext.master == master):
        # As it is: getOrCreate would set our defaults on it again over the caller's `conf`.
        return active
    if active is not None:
        active.stop()
    # Local mode listens on the loopback address only.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    builder = (
        builder.appName("aftermath load")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", SHUFFLE_PARTITIONS)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
        # DuckDB's semantics: a failed cast or a division by zero is NULL, not an error.
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.legacy.sizeOfNull", "false")
        # account_timelines doubles its blocks in a recursive CTE: a few levels (log2 of the
        # exposure days) of a row per account each, more rows than the default cap at scale.
        .config("spark.sql.cteRecursionRowLimit", "-1")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as e:  # the JVM did not start: no Java, or a master that does not answer
        raise InputError(
            f"Spark did not start on {master or 'spark-submit'}: {_first_line(e)}"
        ) from None


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def duckdb_macros(con: duckdb.DuckDBPyConnection) -> tuple:
    """The macros the derived SQL may call, as DuckDB holds them after create_macros and
    store_lexicon: (name, parameter names, body SQL)."""
    return tuple(
        (name, tuple(params), body)
        for name, params, body in con.execute(
            "select function_name, parameters, macro_definition from duckdb_functions() "
            "where function_type = 'macro' and not internal order by function_name"
        ).fetchall()
    )


@cache
def _parsed_macros(macros: tuple) -> dict[str, tuple[tuple[str, ...], exp.Expression]]:
    return {name: (params, sqlglot.parse_one(body, read="duckdb")) for name, params, body in macros}


def expand_macros(tree: exp.Expression, macros: tuple) -> exp.Expression:
    """Every macro call replaced by the macro's body with its arguments put in (to a fixpoint:
    a macro may call another)."""
    known = _parsed_macros(macros)

    def expand(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Anonymous) or node.name.lower() not in known:
            return node
        names, body = known[node.name.lower()]
        args = dict(zip(names, node.expressions, strict=True))

        def put(inner: exp.Expression) -> exp.Expression:
            if isinstance(inner, exp.Column) and not inner.table and inner.name in args:
                return exp.paren(args[inner.name].copy(), copy=False)
            return inner

        return expand_macros(body.copy().transform(put), macros)

    return tree.transform(expand)


def spark_sql(query: Query, macros: tuple) -> str:
    """The Spark SQL of a derived file: its DuckDB SQL, transpiled."""
    return _transpiled(query.sql, macros)


class SparkSQL(Spark):
    """Spark 4's SQL: sqlglot's Spark dialect, keeping QUALIFY (Spark 4 has it; sqlglot's rewrite
    of it into a subquery loses table-qualified columns)."""

    class Generator(Spark.Generator):
        TRANSFORMS = {
            **Spark.Generator.TRANSFORMS,
            exp.Select: transforms.preprocess(
                [
                    transforms.eliminate_distinct_on,
                    transforms.unnest_to_explode,
                    transforms.any_to_exists,
                ]
            ),
        }


@cache
def _transpiled(sql: str, macros: tuple) -> str:
    # DuckDB's len() takes a list or a text, which sqlglot reads as one function; the files call
    # it on lists only (length() on text), and array_length is a list's for both engines.
    sql = re.sub(r"\blen\(", "array_length(", sql)
    tree = expand_macros(sqlglot.parse_one(sql, read="duckdb"), macros)
    rewrites = (
        _epoch_of_difference,
        _unnest_fields,
        _numbered_unnest,
        _explode_outermost,
        _full_match,
        _exact_percentile,
        _bitstring_as_text,
        _ordered_text,
        _ordered_list,
        _empty_list_is_null,
        _list_slice,
        _list_index,
        _list_reduce,
        _list_resize,
        _unsigned_not,
        _plain_types,
    )
    for rewrite in rewrites:
        tree = tree.transform(rewrite)
    return tree.sql(dialect=SparkSQL)


def _spark(template: str, **parts: exp.Expression) -> exp.Expression:
    """A Spark SQL expression with `parts` put in for the columns named after them."""
    tree = sqlglot.parse_one(template, read="spark")
    return tree.transform(
        lambda n: (
            parts[n.name].copy()
            if isinstance(n, exp.Column) and not n.table and n.name in parts
            else n
        )
    )


def _epoch_of_difference(node: exp.Expression) -> exp.Expression:
    """DuckDB's epoch(a - b), the seconds between two timestamps: Spark has no epoch of an
    interval, so the difference of their microseconds since 1970."""
    if not isinstance(node, exp.TimeToUnix) or not isinstance(node.this, exp.Sub):
        return node
    return _spark(
        "(unix_micros(cast(a as timestamp_ltz)) - unix_micros(cast(b as timestamp_ltz))) / 1e6",
        a=node.this.this,
        b=node.this.expression,
    )


def _unnest_fields(node: exp.Expression) -> exp.Expression:
    """unnest(list of structs, recursive := true), a column per field: Spark's inline()."""
    if not isinstance(node, exp.Explode) or not node.expressions:
        return node
    (option,) = node.expressions
    if not (isinstance(option, exp.PropertyEQ) and option.this.name.lower() == "recursive"):
        return node
    return _spark("inline(items)", items=node.this)


def _numbered_unnest(node: exp.Expression) -> exp.Expression:
    """generate_subscripts(list, 1) as n beside unnest(list) as x in one select list: Spark's
    inline() of (n, x) structs, n counted from 1 as DuckDB does."""
    if not isinstance(node, exp.Select):
        return node
    aliased = [p for p in node.expressions if isinstance(p, exp.Alias)]
    numbers = [p for p in aliased if p.this.name.lower() == "generate_subscripts"]
    for number in numbers:
        items = number.this.expressions[0]
        values = [p for p in aliased if isinstance(p.this, exp.Explode) and p.this.this == items]
        if not values:
            continue
        (value,) = values[:1]
        pairs = _spark(
            f"inline(transform(items, (_item, _i) -> named_struct('{number.alias}', _i + 1, "
            f"'{value.alias}', _item)))",
            items=items,
        )
        number.pop()
        value.replace(pairs)
    return node


def _explode_outermost(node: exp.Expression) -> exp.Expression:
    """f(unnest(list)) in a select list: Spark explodes only at the top of an expression, so
    unnest(list_transform(list, x -> f(x)))."""
    if not isinstance(node, exp.Select):
        return node
    for projection in node.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        explodes = list(inner.find_all(exp.Explode))
        if len(explodes) != 1 or explodes[0] is inner:
            continue
        (explode,) = explodes
        items = explode.this.copy()
        explode.replace(exp.column("_item"))
        body = inner.copy()
        lifted = exp.Explode(
            this=exp.Transform(
                this=items,
                expression=exp.Lambda(this=body, expressions=[exp.to_identifier("_item")]),
            )
        )
        inner.replace(lifted)
    return node


def _list_slice(node: exp.Expression) -> exp.Expression:
    """list[a:b] (1-based, both ends included, b to the end when left out): Spark's slice."""
    if not isinstance(node, exp.Bracket) or not isinstance(node.expressions[0], exp.Slice):
        return node
    bounds = node.expressions[0]
    if bounds.expression is None:
        return _spark("slice(items, first, size(items))", items=node.this, first=bounds.this)
    return _spark(
        "slice(items, first, last - first + 1)",
        items=node.this,
        first=bounds.this,
        last=bounds.expression,
    )


def _list_index(node: exp.Expression) -> exp.Expression:
    """list[i], 1-based in DuckDB: list[i - 1] in Spark. sqlglot's parser shifts a literal index
    itself but leaves any other as it was; out of range (0 included) both engines give NULL."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    (index,) = node.expressions
    if isinstance(index, exp.Slice | exp.Literal):
        return node
    shifted = exp.Sub(this=exp.paren(index.copy(), copy=False), expression=exp.Literal.number(1))
    return exp.Bracket(this=node.this.copy(), expressions=[shifted], offset=0)


def _list_reduce(node: exp.Expression) -> exp.Expression:
    """list_reduce(list, lambda, initial): Spark's aggregate(list, initial, lambda)."""
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "list_reduce"):
        return node
    items, merge, initial = node.expressions
    return exp.Reduce(this=items.copy(), initial=initial.copy(), merge=merge.copy())


def _list_resize(node: exp.Expression) -> exp.Expression:
    """list_resize(list, n, fill): the first n values, then fill up to n."""
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "list_resize"):
        return node
    items, size, fill = node.expressions
    return _spark(
        "concat(slice(items, 1, cast(n as int)), "
        "array_repeat(fill, cast(greatest(n - size(items), 0) as int)))",
        items=items,
        n=size,
        fill=fill,
    )


def _unsigned_not(node: exp.Expression) -> exp.Expression:
    """~x::uinteger flips DuckDB's 32 bits; on the bigint Spark holds it in (_plain_types), ~
    would flip 64, so x xor 4294967295."""
    if not (
        isinstance(node, exp.BitwiseNot)
        and isinstance(node.this, exp.Cast)
        and node.this.to.this == exp.DataType.Type.UINT
    ):
        return node
    return exp.BitwiseXor(this=node.this.copy(), expression=exp.Literal.number(0xFFFFFFFF))


def _plain_types(node: exp.Expression) -> exp.Expression:
    """DuckDB's unsigned integers (feature masks) as Spark's signed 64 bits, which hold them;
    a CTE's MATERIALIZED hint dropped (Spark plans its CTEs itself)."""
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.UINT:
        return exp.DataType.build("bigint")
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


def _exact_percentile(node: exp.Expression) -> exp.Expression:
    """percentile_cont(q) within group (order by x): Spark's exact percentile(x, q) (sqlglot
    would make it percentile_approx)."""
    if not isinstance(node, exp.WithinGroup) or not isinstance(node.this, exp.PercentileCont):
        return node
    (ordered,) = node.expression.expressions
    return _spark("percentile(x, q)", x=ordered.this, q=node.this.this)


def _bitstring_as_text(node: exp.Expression) -> exp.Expression:
    """A bitstring as text of '0' and '1' (Spark has no bitstrings), bit 0 the first character
    as in DuckDB: text::bit is the text, get_bit(bits, i) and set_bit(bits, i, v) read and
    write character i + 1."""
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.BIT:
        return node.this
    if isinstance(node, exp.Getbit):
        return _spark("cast(substring(bits, i + 1, 1) as int)", bits=node.this, i=node.expression)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "set_bit":
        bits, i, value = node.expressions
        return _spark(
            "concat(substring(bits, 1, i), cast(v as string), substring(bits, i + 2))",
            bits=bits,
            i=i,
            v=value,
        )
    return node


def _full_match(node: exp.Expression) -> exp.Expression:
    """regexp_full_match(s, 'p'): s rlike '^(?:p)$'."""
    if not isinstance(node, exp.RegexpFullMatch) or not node.expression.is_string:
        return node
    pattern = exp.Literal.string(f"^(?:{node.expression.name})$")
    return exp.RegexpLike(this=node.this, expression=pattern)


def _ordered_text(node: exp.Expression) -> exp.Expression:
    """string_agg(x, sep order by k): the ordered list of x joined (Spark's listagg within
    group, with DISTINCT and FILTER beside it, fails to plan)."""
    aggregate = node.this if isinstance(node, exp.Filter) else node
    if not isinstance(aggregate, exp.GroupConcat) or not isinstance(aggregate.this, exp.Order):
        return node
    values = exp.ArrayAgg(this=aggregate.this.copy())
    if isinstance(node, exp.Filter):
        values = exp.Filter(this=values, expression=node.expression.copy())
    separator = aggregate.args.get("separator") or exp.Literal.string(",")
    return exp.ArrayToString(this=values, expression=separator.copy())


def _empty_list_is_null(node: exp.Expression) -> exp.Expression:
    """list() of no rows (or none passing its FILTER) is NULL in DuckDB, [] in Spark."""
    aggregate = node.this if isinstance(node, exp.Filter) else node
    if not isinstance(aggregate, exp.ArrayAgg | exp.ArrayUniqueAgg):
        return node
    if isinstance(node.parent, exp.Filter) and node.arg_key == "this":
        return node  # wrapped with its FILTER
    return _spark("case when size(items) > 0 then items end", items=node)


def _ordered_list(node: exp.Expression) -> exp.Expression:
    """list(x order by k1 [desc], ...): Spark's collect_list keeps no order, so the values are
    collected beside their keys and sorted by them (NULLs last, as DuckDB orders them)."""
    where = None
    if isinstance(node, exp.Filter):
        where = node.expression
        node = node.this
    if not isinstance(node, exp.ArrayAgg) or not isinstance(node.this, exp.Order):
        return node if where is None else node.parent
    order = node.this
    value = order.this
    distinct = isinstance(value, exp.Distinct)
    if distinct:
        value = value.expressions[0]
    keys = [o.this for o in order.expressions]
    fields = ", ".join(f"'k{i}', k{i}" for i in range(len(keys)))
    collect = "collect_set" if distinct else "collect_list"
    compare = "0"
    for i in reversed(range(len(keys))):
        lower, higher = ("1", "-1") if order.expressions[i].args.get("desc") else ("-1", "1")
        compare = (
            f"case when _l.k{i} is null and _r.k{i} is null then {compare} "
            f"when _l.k{i} is null then 1 when _r.k{i} is null then -1 "
            f"when _l.k{i} < _r.k{i} then {lower} when _l.k{i} > _r.k{i} then {higher} "
            f"else {compare} end"
        )
    only = " filter (where only_when)" if where is not None else ""
    template = (
        f"transform(array_sort({collect}(named_struct({fields}, 'v', v)){only}, "
        f"(_l, _r) -> {compare}), _s -> _s.v)"
    )
    parts = {f"k{i}": key for i, key in enumerate(keys)}
    if where is not None:
        parts["only_when"] = where.this
    return _spark(template, v=value, **parts)


def spark_params(step: DerivedStep) -> dict:
    """The step's bound settings; a file built in passes runs in one pass on Spark."""
    params = dict(step.params)
    if step.query.passes:
        params |= {"pass_first": 0, "pass_last": 2**62}
    return {p: params[p] for p in step.query.params if p in params or p in PASS_PARAMS}


def build_on_spark(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    work_dir: Path,
    master: str | None = None,
    progress: Progress = SILENT,
) -> None:
    """Every derived table computed on Spark from the input and lexicon tables in `con` (a load's
    database in the making), written as Parquet below `work_dir`, then stored in `con`."""
    spark = spark_session(master)
    inputs = work_dir / "inputs"
    derived = work_dir / "derived"
    with progress.step("handing the inputs to Spark"):
        for table in (*schema.TABLES, *LOADED_TABLES):
            path = inputs / f"{table}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written through the relation: the path (beside the user's database) may hold a quote.
            con.table(table).write_parquet(str(path))
            spark.read.parquet(str(path)).createOrReplaceTempView(table)
    steps = derived_queries(settings)
    macros = duckdb_macros(con)
    for step in steps:
        query = step.query
        with progress.step(
            f"building {query.table} on Spark",
            detail="computing impact, quiet accounts and surges on Spark",
        ) as said:
            try:
                frame = spark.sql(spark_sql(query, macros), args=spark_params(step))
                if query.storage == "a view":
                    frame.createOrReplaceTempView(query.table)
                    said.done = f"built {query.table} on Spark (a view)"
                    continue
                path = derived / query.table
                frame.write.mode("overwrite").parquet(str(path))
                spark.read.parquet(str(path)).createOrReplaceTempView(query.table)
                said.done = f"built {query.table} on Spark"
            except Exception as e:  # Spark's errors arrive as Py4J and pyspark exceptions
                if isinstance(e, InputError | KeyboardInterrupt):
                    raise
                raise InputError(f"Spark could not build {query.table}: {_first_line(e)}") from None
    with progress.step("storing the derived tables"):
        types = duckdb_types(con, steps)
        for step in steps:
            if step.query.is_load_only:
                continue
            table = step.query.table
            columns = ", ".join(
                f"cast({quoted_identifier(c)} as {t}) as {quoted_identifier(c)}"
                for c, t in types[table]
            )
            files = str(derived / table / "*.parquet")
            # The table name comes from queries/ (a checked identifier); the path is bound.
            con.execute(
                f"create table {table} as select {columns} from read_parquet($files)",
                {"files": files},
            )


def duckdb_types(con: duckdb.DuckDBPyConnection, steps: list[DerivedStep]) -> dict:
    """Each derived table's columns with the types the DuckDB engine gives them: the DuckDB steps
    run on empty copies of the inputs, in memory, where they cost nothing."""
    empty = duckdb.connect()
    try:
        for table in (*schema.TABLES, "load_info"):
            described = con.execute(f"describe {table}").fetchall()
            columns = ", ".join(
                f"null::{row[1]} as {quoted_identifier(row[0])}" for row in described
            )
            empty.execute(f"create table {table} as select {columns} where false")
        store_lexicon(empty)
        create_macros(empty)
        types = {}
        for step in steps:
            build_step(empty, step)
            described = empty.execute(f"describe {step.query.table}").fetchall()
            types[step.query.table] = [(row[0], row[1]) for row in described]
        return types
    finally:
        empty.close()
