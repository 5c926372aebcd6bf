"""Every word a chart or the appendix prints, in Chinese and English: one table, one lookup.

Keys are stable identifiers; `text(key, lang, **fields)` formats the entry. A key missing
in either language is a KeyError at once (tested), never an English word in a Chinese plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.units import MIN_PER_H

if TYPE_CHECKING:
    from sim.settings import AnyTarget

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # figure titles
    "relief_curves.title": ("受灾群众获得救助的时间", "Time to relief for people in need"),
    "relief_map.title": (
        "各村需救助人员{h:g}小时内物资到位的概率（{target}）",
        "Probability each village's people in need have relief within {h:g} h ({target})",
    ),
    "late_villages.title": ("未按时救助的村：按乡镇和原因", "Late villages by township and cause"),
    "stock.title": ("各级储备库存随时间变化", "Stock on hand over time by tier"),
    "ems_response.title": ("急救反应时间分布：按伤情分级", "EMS response time by triage class"),
    "teams.title": ("队伍利用率随时间变化", "Team utilisation over time"),
    "frontier.title": ("预算方案：投入与目标达成概率", "Budget cases: cost against P(target holds)"),
    "cases_holds.title": ("各方案的目标达成概率", "P(target holds) by case"),
    # axes
    "axis.hours": ("灾害发生后时间（小时）", "Hours after onset (h)"),
    "axis.share_served": (
        "物资已到位的需救助人员比例（%）",
        "Share of people in need with their kit in place (%)",
    ),
    "axis.hours_since_displaced": ("自受灾起的时间（小时）", "Hours since being struck (h)"),
    "axis.lon": ("经度（°E）", "Longitude (°E)"),
    "axis.lat": ("纬度（°N）", "Latitude (°N)"),
    "axis.late_villages": ("每次重复中未按时的村数（平均）", "Late villages per replication (mean)"),
    "axis.units_on_hand": ("库存（物资单位，千）", "Units on hand (thousands)"),
    "axis.response_min": ("反应时间：接警至到达现场（分钟）", "Response time, call to scene (min)"),
    "axis.share_calls": ("反应时间不超过该值的呼叫比例（%）", "Share of calls reached within (%)"),
    "axis.utilisation": ("忙碌队伍比例（%）", "Share of teams busy (%)"),
    "axis.team": ("队伍", "Team"),
    "axis.cost": ("方案投入（百万元，含5年维护）", "Cost (million yuan, incl. 5 years' upkeep)"),
    "axis.p_holds": ("目标达成概率 P（%）", "P(target holds) (%)"),
    "axis.case": ("方案", "Case"),
    "axis.case_cost": ("方案（括号内为投入，百万元）", "Case (cost, million yuan)"),
    # legends and marks
    "class.initial": ("初步救助物资（食品、饮用水）", "Initial relief items (food, water)"),
    "class.basic": ("基本生活物资", "Basic living items"),
    "class.all": ("全部物资", "Every item"),
    "band": ("95%置信区间", "95% confidence band"),
    "target_line": ("{h:g}小时目标", "{h:g} h target"),
    "required_share": ("要求比例 {p:.0%}", "required share {p:.0%}"),
    "limit_line": ("{m:g}分钟时限", "{m:g} min limit"),
    "triage": ("{k}级伤情", "Triage class {k}"),
    "tier.city": ("市级储备库", "City depot"),
    "tier.township": ("乡镇储备点", "Township point"),
    "tier.contract": ("协议储备（企业）", "Contract reserve"),
    "tier.province": ("省级储备", "Province reserve"),
    "tier.other": ("其他储备", "Other depot"),
    "road": ("道路", "Road"),
    "road_blocked": ("曾被阻断的道路（线宽=阻断概率）", "Road blocked (width = P(blocked))"),
    "village_unaffected": ("无需救助人员的村", "Village with nobody in need"),
    "colorbar.p10": ("全村转移人口{h:g}小时内均获救助的概率", "P(everyone relieved within {h:g} h)"),
    "cause.report_delay": ("灾情报告延迟", "Report delay"),
    "cause.road_blocked": ("道路阻断", "Road blocked"),
    "cause.no_stock": ("库存不足", "Stock short"),
    "cause.no_vehicle": ("车辆不足", "No free vehicle"),
    "cause.travel_time": ("运输距离过长", "Travel time (distance)"),
    "cause.ambulance_busy": (
        "无空闲救护车（等待派车长于行驶）",
        "No ambulance free (waited longer than drove)",
    ),
    "cause.ambulance_far": (
        "最近的空闲救护车太远（行驶长于等待）",
        "Nearest free ambulance too far (drove longer than waited)",
    ),
    "cause.no_team_skill": (
        "全县无具备该救援技能或装备的队伍",
        "No team in the county has the rescue skill or equipment",
    ),
    "cause.trapped_unknown": (
        "被困信息报告滞后（指挥中心尚不知情）",
        "Trapped people reported late (not yet known)",
    ),
    "cause.team_wait": (
        "等待空闲救援作业组（船只、大型机械不足，或队伍集结、机械到位）",
        "Waiting for a free rescue crew (too few boats or machines, or mobilisation)",
    ),
    "cause.team_drive": (
        "救援队路途过长（距离远、道路阻断）",
        "Rescue teams drove too long (distance, cut roads)",
    ),
    "cause.rescue_work": ("现场救援耗时过长（力量不足）", "Rescue work took too long (too few crews)"),
    "cause.by_air": ("道路不通，只能等直升机", "Cut off by road: only a helicopter could reach them"),
    "cause.aircraft_busy": ("等待空闲直升机", "Waiting for a free helicopter"),
    "cause.flight": ("起飞准备和飞行时间过长（距离）", "Launch preparation and flight too long (distance)"),
    "cause.not_flown": ("模拟期内无直升机前往", "No helicopter flew there before the horizon"),
    "late.villages": ("未按时村", "late villages"),
    "late.people": ("未按时人员", "late people"),
    "late.missions": ("未按时架次", "late missions"),
    "late.response": ("响应时间", "their response time"),
    "appendix.failing": (
        "未达标或待定的目标：最差乡镇与主要原因",
        "Targets that fail or are undecided: worst townships and main cause",
    ),
    "failing.worst": ("最差乡镇：{list}", "worst townships: {list}"),
    "failing.cause": ("主要原因：{cause}（占{of}的{share}）", "main cause: {cause} ({share} of {of})"),
    "failing.none": ("所有目标均达标或未检验。", "Every target holds or is not tested."),
    "busy_gantt": ("第{rep}次重复：各队忙碌时段", "Replication {rep}: when each team was busy"),
    "utilisation_mean": ("平均利用率（{n}次重复）；队伍数", "mean of {n} replications; teams"),
    "team_group.road_repair": ("道路抢修队", "Road-repair teams"),
    "team_group.rescue": ("救援队伍", "Rescue teams"),
    "frontier_line": ("成本-达标前沿", "Cost-compliance frontier"),
    "case_point": ("方案（95% Wilson区间）", "Case (95% Wilson interval)"),
    "target_name": ("{name}", "{name}"),
    # notes
    "source": (
        "来源：drsim仿真，情景 {scenario}，灾种 {hazard}，{n}次重复，{date}",
        "Source: drsim simulation, scenario {scenario}, hazard {hazard}, {n} replications, {date}",
    ),
    "note.curves": (
        "每人自受灾起计时（与目标相同）；曲线为各次重复的平均值，阴影为逐点学生t 95%置信区间。",
        "Each person's clock starts when they are struck (as the targets'); lines: mean over "
        "replications; shading: pointwise Student-t 95% interval.",
    ),
    "note.curves_seen": (
        "只画出所有有需救助人员的重复均有人可计的时长（受灾者须在仿真结束前经历该时长）；无人需救助的重复不计。",
        "Drawn for the hours every replication with people in need can show (people struck at least "
        "that long before the run's end); replications with nobody in need are left out.",
    ),
    "note.map": (
        "颜色：该村有需救助人员的重复中，每人自受灾起{h:g}小时内所需物资（{target}）均已到位的比例。",
        "Colour: share of replications with people in need in which every one of them had the kit of "
        "{target} within {h:g} h of being struck.",
    ),
    "note.map_no_events": (
        "本次运行未保存事件日志，未画出阻断道路。",
        "The run kept no event log, so blocked roads are not drawn.",
    ),
    "note.late": (
        "原因按规则顺序判定：报告延迟、道路阻断、库存不足、车辆不足、运输时间。",
        "Cause by rule, first that holds: report delay, road, stock, vehicle, travel time.",
    ),
    "note.stock": (
        "在库 = 初始库存 − 已装车；协议储备在启用前亦计入。阴影为95%区间。",
        "On hand = initial stock minus loaded; contract stock counts before call-off. Band: 95%.",
    ),
    "note.ems": (
        "所有重复合并的经验分布；到仿真结束仍未到达现场的呼叫计入分母。",
        "Pooled empirical distribution over replications; calls never reached stay in the denominator.",
    ),
    "note.teams_repair": (
        "日志中没有救援队伍事件（本次灾害无被困人员或未派出队伍）：仅为道路抢修队，忙碌=派出至修复或空闲。",
        "No rescue-team events in the log (no one trapped, or no team sent): road-repair teams only, "
        "busy = assigned until repaired or idled.",
    ),
    "note.teams": (
        "忙碌：抢修队派出至修复或空闲；救援作业组（每船或每台机械一组）派出至任务结束，画在所属队伍一行（休息不计忙碌）。",
        "Busy: road-repair teams until repaired or idled; rescue crews (one per boat or machine) until "
        "released, each on its team's row (rest is not busy).",
    ),
    "note.frontier": (
        "误差线：Wilson 95%区间；前沿上的方案已标注；各方案采用共同随机数。",
        "Bars: Wilson 95% intervals; frontier cases labelled; cases share random numbers.",
    ),
    "note.cases": (
        "误差线：Wilson 95%区间；各方案面对相同的灾害（共同随机数）。",
        "Bars: Wilson 95% intervals; every case faces the same disasters (common random numbers).",
    ),
    # appendix
    "appendix.title": (
        "附录：应急救援时间目标的仿真评估",
        "Appendix: simulation assessment of the emergency-response time targets",
    ),
    "appendix.targets": ("目标达成情况", "Targets"),
    "appendix.townships": ("分乡镇结果（仅救灾物资目标）", "Results by township (relief targets only)"),
    "appendix.figures": ("图表", "Figures"),
    "appendix.method": ("方法说明（STRESS-DES）", "Method note (STRESS-DES)"),
    "appendix.assumptions": (
        "影响结果的假设（本次取值）",
        "Assumptions that shape the answer (this run's values)",
    ),
    "appendix.cases": ("预算方案", "Budget cases"),
    "appendix.skipped": ("未生成的图及原因", "Figures not drawn, and why"),
    "col.target": ("目标", "Target"),
    "col.verdict": ("结论", "Verdict"),
    "limit.urban_rural": ("城区{a}，农村{b}", "{a} urban, {b} rural"),
    "verdict.HOLDS": ("达标 HOLDS", "HOLDS"),
    "verdict.FAILS": ("未达标 FAILS", "FAILS"),
    "verdict.UNDECIDED": ("待定 UNDECIDED（需更多重复）", "UNDECIDED (run more replications)"),
    "verdict.NOT TESTED": ("未检验 NOT TESTED（无可计对象）", "NOT TESTED (nobody to count)"),
    "col.limit": ("时限", "Time limit"),
    "col.required": ("要求比例", "Required share"),
    "col.share": ("按时比例\n（95%区间）", "Share in time\n(95% CI)"),
    "col.p_holds": ("目标达成概率\n（95% Wilson）", "P(holds)\n(95% Wilson)"),
    "col.n": ("重复次数 n", "n"),
    "col.township": ("乡镇", "Township"),
    "col.displaced": ("平均转移人口", "Displaced (mean)"),
    "col.share_target": ("{target}\n按时比例", "{target}\nshare in time"),
    "col.late": ("{target}\n未按时村数", "{target}\nlate villages"),
    "col.case": ("方案", "Case"),
    "col.cost": ("投入（百万元）", "Cost (M yuan)"),
    "col.frontier": ("前沿", "Frontier"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "skip.no_events": ("没有事件日志（events.parquet）", "no event log (events.parquet)"),
    "skip.no_calls": ("没有急救呼叫（calls.parquet）", "no EMS calls (calls.parquet)"),
    "skip.no_cases": ("不是预算方案目录（cases.csv）", "not a sweep directory (cases.csv)"),
    "skip.no_curves": ("没有救助曲线（relief_curves.parquet）", "no relief curves (relief_curves.parquet)"),
    "skip.no_relief_target": ("没有物资救助目标", "no relief target"),
    "skip.no_teams": ("事件日志中没有队伍事件", "no team events in the log"),
    "skip.no_late": ("没有未按时的村", "no late villages"),
    "unit.h": ("{v:g}小时", "{v:g} h"),
    "unit.min": ("{v:g}分钟", "{v:g} min"),
    "names.sep": ("、", ", "),
    "scope.triage": ("{k}级伤情", "triage {k}"),
    "scope.all": ("城乡", "urban and rural"),
    "scope.urban": ("城区", "urban"),
    "scope.rural": ("农村", "rural"),
    "scope.list": ("{a}，{b}", "{a}, {b}"),
    "share.relief_complete": (
        "{names}：每人自受灾（转移安置或居家待救助）起计时，时限内本人所需该类物资已送达其所在村或安置点的需救助人员比例"
        "（按到达顺序分配，部分送达可救助部分人员）；无人可计时为“未检验”。",
        "{names}: share of people in need (displaced, or at home needing living relief) whose own "
        "kit of the target's class reached their village or shelter within the limit of their being "
        "struck (deliveries shared in "
        "arrival order, so a partial delivery relieves part of a village); NOT TESTED when "
        "nobody is counted.",
    ),
    "share.ems_response": (
        "{name}：接警后时限内急救车到达现场的呼叫比例（{scope}）；到仿真结束仍未到达的呼叫计入分母。",
        "{name}: share of calls ({scope}) with an ambulance on scene within the limit after the "
        "call; calls never reached stay in the denominator.",
    ),
    "share.rescue_share": (
        "{names}：每人自被困起计时，时限内由救援队伍或直升机救出（生还或遇难）的被困人员比例；"
        "无人被困时为“未检验”。生还与被困期间死亡人数另列（存活率曲线见configs/rescue/）。",
        "{names}: share of the people trapped by the hazard brought out (alive or dead) by a team or "
        "helicopter within the limit of their being trapped; NOT TESTED when nobody is trapped. Lives "
        "saved and lost while trapped are counted beside it (survival curves: configs/rescue/).",
    ),
    "note.lives": (
        "被困人员每次重复平均生还救出{saved}人，被困期间死亡{lost}人（95%区间，{n}次重复；存活率曲线：倒塌按唐山地震救出存活率，见configs/rescue/）。",
        "Trapped people per replication: {saved} brought out alive, {lost} died while trapped (95 % "
        "intervals over {n} replications; survival curves: collapse from the Tangshan share alive by "
        "time of rescue, configs/rescue/).",
    ),
    "share.helicopter_response": (
        "{name}：距基地{km:g}公里内的直升机任务中，请求后时限内到达现场的比例；没有任务时为“未检验”。",
        "{name}: share of air missions within {km:g} km of the base arriving within the limit after "
        "the request; with no mission it is NOT TESTED.",
    ),
    "note.holds": (
        "某次重复中按时比例达到要求比例，即该次目标达成。",
        "A target holds in a replication when its share in time reaches the required share.",
    ),
    "note.missing": (
        "“–”：本次运行的汇总中没有该目标的结果。",
        '"–": the run\'s summary has no result for this target.',
    ),
    "table.note": (
        "概率：Wilson 95%区间；比例：学生t 95%区间（截断在[0, 1]内）；n为重复次数。",
        "Probabilities: Wilson 95%; shares: Student-t 95%, clipped to [0, 1]; n = replications.",
    ),
}


def text(key: str, lang: str, **fields: object) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    entry = TEXT[key][LANGS.index(lang)]
    return entry.format(**fields) if fields else entry


def limit_text(target: AnyTarget, lang: str) -> str:
    """A target's time limit with its unit: an hour or more in hours (72.5 h; helicopter_2h's
    120 min is 2 h), less in minutes (ems_response's 15 min)."""
    minutes = float(getattr(target, "limit_min", None) or target.deadline_h * MIN_PER_H)
    rural = getattr(target, "rural_limit_min", None)
    if rural is not None:  # an EMS target with its own rural limit: both, urban first
        return text("limit.urban_rural", lang, a=_one_limit(minutes, lang), b=_one_limit(float(rural), lang))
    return _one_limit(minutes, lang)


def _one_limit(minutes: float, lang: str) -> str:
    if minutes >= MIN_PER_H:
        return text("unit.h", lang, v=minutes / MIN_PER_H)
    return text("unit.min", lang, v=minutes)
