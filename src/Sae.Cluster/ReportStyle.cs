namespace Sae.Cluster;

/// <summary>
/// The report's stylesheet, inlined into the page so the file is self-contained (opened from disk,
/// mailed, archived next to the data) and loads nothing: system fonts only, no images, no imports.
/// </summary>
internal static class ReportStyle
{
    /// <summary>The CSS text for the page's &lt;style&gt; element.</summary>
    public const string Css = """
        :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --link: #0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 0 28px; color: var(--fg); background: #fff;
               font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header, nav, main, footer { max-width: 1304px; margin: 0 auto; }
        header { padding-top: 28px; }
        h1 { font-size: 26px; margin: 0 0 2px; }
        h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
        h3 { font-size: 15px; margin: 0 0 8px; }
        .subtitle { color: var(--muted); margin: 0 0 16px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; }
        nav { margin-top: 18px; padding-bottom: 10px; border-bottom: 1px solid var(--line); }
        nav a { margin-right: 16px; color: var(--link); text-decoration: none; white-space: nowrap; }
        nav a:hover { text-decoration: underline; }
        section { margin: 34px 0; }
        figure { margin: 18px 0 30px; }
        figcaption { color: var(--muted); font-size: 13px; max-width: 920px; margin-top: 6px; }
        p.absent { color: var(--muted); font-style: italic; }
        svg.plot { display: block; max-width: 100%; height: auto; }
        svg text { font-family: inherit; fill: #333; }
        svg .tick { font-size: 12px; fill: #555; }
        svg .axis-title { font-size: 13px; }
        svg .panel-title { font-size: 13px; font-weight: 600; }
        svg .legend, svg .marker { font-size: 12px; }
        svg .note { font-size: 13px; fill: #888; font-style: italic; }
        svg .grid { stroke: #e6e9ed; stroke-width: 1; }
        svg .axis { stroke: #777; stroke-width: 1; }
        .multiples { display: flex; flex-wrap: wrap; gap: 10px 14px; }
        .legend { margin: 0 0 6px; }
        .legend span { margin-right: 20px; font-size: 13px; }
        .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 12.5px; }
        th, td { padding: 4px 6px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; white-space: nowrap; }
        th { background: var(--panel); font-weight: 600; white-space: normal; vertical-align: bottom; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.wrap { white-space: normal; }
        .nobr { white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        tbody tr.failed { background: #fff4f2; }
        tr.empty td { color: var(--muted); font-style: italic; }
        #trends td { white-space: normal; }
        #trends td:first-child { font-weight: 600; min-width: 220px; }
        .error { display: inline-block; white-space: normal; min-width: 140px; max-width: 320px; color: #a40e26; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 11.5px; }
        .status, .verdict { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
        .status-completed, .verdict-reproduced { background: #dafbe1; color: #116329; }
        .status-failed, .verdict-not-reproduced { background: #ffebe9; color: #a40e26; }
        .status-training, .status-running { background: #ddf4ff; color: #0550ae; }
        .status-pending, .status-waiting, .verdict-not-tested { background: #eef1f4; color: #59636e; }
        dl.glossary { max-width: 920px; }
        dl.glossary dt { font-weight: 600; margin-top: 12px; }
        dl.glossary dd { margin: 2px 0 0; }
        footer { color: var(--muted); font-size: 12px; padding: 14px 0 28px; border-top: 1px solid var(--line); }
        """;
}
