"""Every word a chart, the appendix or the offline HTML view prints, in Chinese and English.

Keys are stable identifiers; `text(key, lang, **fields)` formats the entry. A key missing
in either language is a KeyError at once (tested), never an English word in a Chinese plan.

Size: one table of every word drsim prints, in Chinese and English, with its lookup rules; a test
checks every key has both languages.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sim.units import MIN_PER_H

if TYPE_CHECKING:
    from sim.settings import AnyTarget

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # figure titles
    "relief_curves.title": ("受灾群众获得救助的时间", "Time to relief for people in need"),
    "relief_map.title": (
        "各村实现“{target}”的概率",
        "Probability each village meets “{target}”",
    ),
    "late_villages.title": ("未按时救助的村：按乡镇和原因", "Late villages by township and cause"),
    "stock.title": ("各级储备库存随时间变化", "Stock on hand over time by tier"),
    "ems_response.title": ("急救反应时间分布：按伤情分级", "EMS response time by triage class"),
    "helicopter.title": ("直升机到达时间与任务", "Helicopter arrival times and missions"),
    "rescue.title": ("被困人员救出进度", "Trapped people brought out over time"),
    "rescue.out": ("已救出（含遗体，目标口径）", "brought out (with bodies, as the targets count)"),
    "rescue.alive": ("生还救出", "brought out alive"),
    "rescue.died": ("被困中死亡", "died while trapped"),
    "axis.hours_trapped": ("自被困起的小时数", "Hours since trapped"),
    "axis.share_trapped": ("占被困人员比例（%）", "Share of trapped people (%)"),
    "air.rescue": ("救援", "rescue"),
    "air.evacuation": ("伤员转运", "casualty evacuation"),
    "air.relief_lift": ("物资空运", "relief lift"),
    "axis.air_min": ("请求至到达（分钟）", "Request to arrival (min)"),
    "axis.share_missions": ("任务比例（%）", "Share of missions (%)"),
    "axis.requests_per_rep": ("每次重复的空中任务请求数", "Air mission requests per replication"),
    "air.reached": ("飞机已到达", "reached by an aircraft"),
    "air.cancelled": ("取消（已无需空运）", "cancelled (no longer needed)"),
    "air.unreached": ("到结束仍未到达", "not reached by the end"),
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
    "busy_gantt": (
        "第{rep}次重复（队伍忙碌时间最长的一次）：各队忙碌时段",
        "Replication {rep} (the one with the most team-hours busy): when each team was busy",
    ),
    "utilisation_mean": ("平均利用率（{n}次重复）；队伍数", "mean of {n} replications; teams"),
    "team_group.road_repair": ("道路抢修队", "Road-repair teams"),
    "scale_km": ("{km}公里", "{km} km"),
    "north": ("北", "N"),
    "team_kind.flood": ("防汛抢险队", "flood-fighting team"),
    "team_kind.fire_rescue": ("消防救援队", "fire and rescue team"),
    "team_kind.semi_professional": ("半专业救援队", "semi-professional team"),
    "team_kind.enterprise": ("企业救援队", "enterprise team"),
    "team_kind.volunteer": ("志愿者队", "volunteer team"),
    "team_kind.forest_fire": ("森林消防队", "forest-fire team"),
    "team_kind.road_repair": ("道路抢修队", "road-repair team"),
    "team_group.rescue": ("救援队伍", "Rescue teams"),
    "frontier_line": ("成本-达标前沿", "Cost-compliance frontier"),
    "case_point": ("方案（95%置信区间）", "Case (95% Wilson interval)"),
    "target_name": ("{name}", "{name}"),
    # notes
    "source": (
        "来源：drsim仿真，情景：{scenario}，灾种：{hazard}，{n}次重复，{date}",
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
        "颜色：该村有需救助人员的重复中，每人自受灾起{h:g}小时内所需物资（“{target}”）均已到位的比例。",
        "Colour: share of replications with people in need in which every one of them was relieved "
        "in time for “{target}” ({h:g} h from being struck).",
    ),
    "note.map_side_by_side": (
        "同一地点的多个储备库并排绘出（如市级库与省级储备同在市区）。",
        "Depots at one place are drawn side by side (e.g. the city depot and the province reserve "
        "in the city).",
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
    "note.rescue": (
        "每人自被困起计时（与救援目标相同）；曲线为有被困人员的各次重复的平均值，"
        "阴影为逐点学生t 95%置信区间。",
        "Each person's clock starts when they were trapped (as the rescue targets'); lines: mean over "
        "the replications with anyone trapped; shading: pointwise Student-t 95% interval.",
    ),
    "note.helicopter": (
        "左：目标计入的任务（起降点半径内、结束前至少一个时限提出；取消的请求不计），未到达的任务计入分母；"
        "右：全部任务请求，按类别：飞机已到达、在飞机到达前取消（如道路恢复后由卡车运送）、到仿真结束仍未到达。",
        "Left: the missions the target counts (within its radius of the base, requested at least its "
        "limit before the end; cancelled requests are not missions); missions never reached stay in the "
        "denominator. Right: every request, by kind: reached by an aircraft, cancelled before one came "
        "(e.g. trucks took the load once a road reopened), or not reached by the end.",
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
        "误差线：95%置信区间（威尔逊法）；每个方案均已标注，前沿上的为红色，同一点上的方案合并标注；"
        "各方案面对相同的灾害（共同随机数）。",
        "Bars: Wilson 95% intervals; every case labelled, frontier cases in red, cases at one point in one "
        "label; cases face the same disasters (common random numbers).",
    ),
    "note.cases": (
        "误差线：95%置信区间（威尔逊法）；各方案面对相同的灾害（共同随机数）。",
        "Bars: Wilson 95% intervals; every case faces the same disasters (common random numbers).",
    ),
    # appendix
    "appendix.title": (
        "附录：应急救援时间目标的仿真评估",
        "Appendix: simulation assessment of the emergency-response time targets",
    ),
    "appendix.targets": ("目标达成情况", "Targets"),
    "title.scenario": ("情景：{v}", "Scenario: {v}"),
    "title.hazard": ("灾种：{v}", "Hazard: {v}"),
    "title.reps": ("仿真重复：{n}次", "Replications: {n}"),
    "title.date": ("日期：{v}", "Date: {v}"),
    "title.run": ("运行编号：{v}", "Run: {v}"),
    "title.verdicts": ("各目标结论", "Verdict per target"),
    "heading.of_case": ("{heading}（方案：{case}）", "{heading} (case: {case})"),
    "heading.continued": ("{heading}（续）", "{heading} (continued)"),
    "page.number": ("第 {k} 页，共 {n} 页", "Page {k} of {n}"),
    "appendix.townships": ("分乡镇结果（仅救灾物资目标）", "Results by township (relief targets only)"),
    "appendix.figures": ("图表", "Figures"),
    "appendix.method": ("方法说明", "Method note (STRESS-DES)"),
    "appendix.annex": ("技术附录（英文）", "Technical annex"),
    "annex.keys": ("假设与配置项", "Assumptions and their configuration keys"),
    "annex.key_header": ("假设|配置项", "assumption|configuration key"),
    "appendix.assumptions": (
        "影响结果的假设（本次取值）",
        "Assumptions that shape the answer (this run's values)",
    ),
    "appendix.cases": ("预算方案", "Budget cases"),
    "appendix.skipped": ("未生成的图及原因", "Figures not drawn, and why"),
    "col.target": ("目标", "Target"),
    "col.verdict": ("结论", "Verdict"),
    "limit.urban_rural": ("城区{a}，农村{b}", "{a} urban, {b} rural"),
    "verdict.HOLDS": ("达标", "HOLDS"),
    "verdict.FAILS": ("未达标", "FAILS"),
    "verdict.UNDECIDED": ("待定（需更多重复）", "UNDECIDED (run more replications)"),
    "verdict.NOT TESTED": ("未检验（无可计对象）", "NOT TESTED (nobody to count)"),
    "col.limit": ("时限", "Time limit"),
    "col.required": ("要求比例", "Required share"),
    "col.share": ("按时比例\n（95%区间）", "Share in time\n(95% CI)"),
    "col.p_holds": ("目标达成概率\n（95%置信区间）", "P(holds)\n(95% Wilson)"),
    "col.n": ("重复次数 n", "n"),
    "col.township": ("乡镇", "Township"),
    "col.displaced": ("平均转移人口", "Displaced (mean)"),
    "col.share_target": ("{target}\n按时比例", "{target}\nshare in time"),
    "col.late": ("{target}\n未按时村数", "{target}\nlate villages"),
    "col.case": ("方案", "Case"),
    "col.cost": ("投入（百万元）", "Cost (M yuan)"),
    "col.frontier": ("前沿", "Frontier"),
    "cases.note": (
        "P：该目标在各次重复中达成的比例，方括号内为95%置信区间（威尔逊法），n为重复次数。"
        "前沿：没有其他方案以不高于它的投入更常达成{focus}（达成概率相同时比较平均按时比例）。"
        "各方案面对相同的灾害（共同随机数）。",
        "P: the share of replications in which the target holds, with its Wilson 95% interval in "
        "brackets; n replications. Frontier: no other case costs no more and holds {focus} more often "
        "(at equal P, a higher mean share in time). Cases face the same disasters (common random numbers).",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "skip.no_events": ("没有事件日志", "no event log (events.parquet)"),
    "skip.no_calls": ("没有急救呼叫", "no EMS calls (calls.parquet)"),
    "skip.no_air": ("没有直升机任务", "no helicopter missions"),
    "skip.no_trapped": ("没有被困人员", "nobody trapped"),
    "skip.no_cases": ("不是预算方案的比较结果", "not a sweep directory (cases.csv)"),
    "skip.no_curves": ("没有救助曲线", "no relief curves (relief_curves.parquet)"),
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
        "无人被困时为“未检验”。生还与被困期间死亡人数另列（存活率曲线见“假设”表）。",
        "{names}: share of the people trapped by the hazard brought out (alive or dead) by a team or "
        "helicopter within the limit of their being trapped; NOT TESTED when nobody is trapped. Lives "
        "saved and lost while trapped are counted beside it (survival curves: configs/rescue/).",
    ),
    "note.lives": (
        "被困人员每次重复平均生还救出{saved}人，被困期间死亡{lost}人（95%区间，{n}次重复；存活率曲线：倒塌按常被引用的唐山地震救出存活率（二手引用），见“假设”表）。",
        "Trapped people per replication: {saved} brought out alive, {lost} died while trapped (95 % "
        "intervals over {n} replications; survival curves: collapse from the share alive by time of "
        "rescue widely quoted for Tangshan (a secondary quotation), configs/rescue/).",
    ),
    "note.ems_lives": (
        "红色（危重）伤员每次重复{calls}人：送达医院时存活{saved}人，等待期间死亡{lost}人（95%区间，{n}次重复；"
        "送达医院前的存活率曲线为参照Sacco等（2005）取形的假设值，见“假设”表）。",
        "Red (immediate) casualties per replication {calls}: {saved} reached a hospital alive, {lost} "
        "died waiting (95 % intervals over {n} replications; survival until a hospital: configs/ems/, "
        "assumed, shaped after Sacco et al. 2005).",
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
        "概率：95%置信区间（威尔逊法）；比例：95%置信区间（t分布）（截断在[0, 1]内）；n为重复次数。",
        "Probabilities: Wilson 95%; shares: Student-t 95%, clipped to [0, 1]; n = replications.",
    ),
    # sensitivity studies (sim/report/sensitivity.py)
    "sens.section": ("本结论取决于什么", "What this answer depends on"),
    "sens.intro": (
        "敏感性研究{name}：逐个因素及全局地改变假设和本县可调的手段，看“{output}”随之变化多少。"
        "假设（不确定的外部条件）和手段（本县可以决定的投入）分开排序。",
        "Sensitivity study {name}: the uncertain assumptions and the county's own levers are moved one "
        'at a time and all together, to see how much "{output}" moves. Assumptions (what the county '
        "cannot choose) and levers (what it can) are ranked apart.",
    ),
    "sens.incomplete": (
        "注意：研究尚未完成（有设计点未运行），以下结果不完整；再次运行同一命令即可续算。",
        "Note: the study is incomplete (some design points did not run); rerun the same command to finish.",
    ),
    "sens.heading.assumption": ("假设：按影响大小排序", "Assumptions, ranked by influence"),
    "sens.heading.lever": ("手段：按影响大小排序", "Levers, ranked by influence"),
    "sens.none": ("本研究中没有此类因素。", "The study has no factor of this kind."),
    "sens.table": ("敏感性指标表", "Table of indices"),
    "sens.line.factor": ("{factor}（基准值{nominal}）", "{factor} (nominal {nominal})"),
    "sens.line.change": (
        "若为{at}，{output}变化{change}{ci}",
        "at {at} the {output} would change by {change}{ci}",
    ),
    "sens.line.same": (
        "若为{at}，{output}在每次重复中都不变",
        "at {at} the {output} would not change in any replication",
    ),
    "sens.line.sobol": (
        "总效应指数ST={st}{ci}（一阶S1={s1}）",
        "total Sobol' index ST = {st}{ci} (first order S1 = {s1})",
    ),
    "sens.line.morris": ("Morris μ*={mu}，σ={sigma}", "Morris mu* = {mu}, sigma = {sigma}"),
    "sens.line.source": ("取值范围依据：{source}", "range: {source}"),
    "sens.sep": ("；", "; "),
    "sens.points": ("{v}个百分点", "{v} points"),
    "sens.points_axis": ("百分点", "percentage points"),
    "sens.low": ("取范围下限", "factor at the low end"),
    "sens.high": ("取范围上限", "factor at the high end"),
    "sens.kind.assumption": ("假设", "assumption"),
    "sens.kind.lever": ("手段", "lever"),
    "sens.col.factor": ("因素", "Factor"),
    "sens.col.kind": ("类别", "Kind"),
    "sens.col.st": ("总效应ST [95%]", "ST [95%]"),
    "sens.col.s1": ("一阶S1 [95%]", "S1 [95%]"),
    "sens.col.mu": ("Morris μ*", "Morris mu*"),
    "sens.col.sigma": ("Morris σ", "Morris sigma"),
    "sens.col.low": ("取下限时的变化 [95%]", "Change at low [95%]"),
    "sens.col.high": ("取上限时的变化 [95%]", "Change at high [95%]"),
    "sens.tornado.title": (
        "逐个因素变化时{output}的变化（龙卷风图）",
        "What moves {output}, one factor at a time",
    ),
    "sens.tornado.x": (
        "{output}相对基准的变化（{unit}）",
        "Change in {output} from the nominal point ({unit})",
    ),
    "sens.tornado.note": (
        "每个因素单独取其范围的下限或上限，其余因素取基准值；"
        "误差线为按重复配对（共同随机数）的学生t 95%区间。",
        "Each factor alone at the low or high end of its range, the others at nominal; error bars: "
        "Student-t 95% of the change paired by replication (common random numbers).",
    ),
    "sens.morris.title": ("Morris筛选：{output}", "Morris screening: {output}"),
    "sens.morris.x": ("μ*：平均绝对效应（{unit}）", "mu*: mean absolute effect ({unit})"),
    "sens.morris.y": ("σ：效应的离散程度（{unit}）", "sigma: spread of the effects ({unit})"),
    "sens.morris.note": (
        "μ*越大，该因素在其范围内对结果影响越大；σ接近或大于μ*表示效应随其他因素变化（交互作用或非线性）。"
        "横向误差线：μ*的自助法95%区间。",
        "The larger mu*, the more the factor moves the output over its range; sigma near or above mu* "
        "means its effect depends on the other factors (interaction or a curve). Horizontal bars: "
        "bootstrap 95% interval of mu*.",
    ),
    "sens.tornado.caption": ("龙卷风图：逐个因素的影响", "Tornado chart: one factor at a time"),
    "sens.morris.caption": ("Morris μ*–σ图", "Morris mu*-sigma chart"),
    "sens.no_oat": (
        "研究未包含逐个因素（oat）方法：未绘制龙卷风图",
        "no one-at-a-time (oat) results: no tornado chart",
    ),
    "sens.no_morris": ("研究未包含Morris方法：未绘制μ*–σ图", "no Morris results: no mu*-sigma chart"),
    "sens.reading": (
        "读法：μ*为该因素在整个范围内移动时结果的平均绝对变化；σ为这些变化的离散程度。"
        "Sobol'一阶指数S1为该因素单独解释的结果方差比例，总效应指数ST还包括它与其他因素的交互；"
        "ST接近0的因素可以固定在基准值而不影响结论。方括号内为95%区间。"
        "排序依据μ*：每个因素都有，且与结果同单位；Sobol'指数只算了影响最大的几个因素，"
        "样本少时区间较宽，仅作核对。",
        "Reading: mu* is the mean absolute change in the output when the factor moves over its whole "
        "range; sigma is how much those changes differ. Sobol' S1 is the share of the output's variance "
        "the factor explains alone, ST adds its interactions with the others; a factor with ST near 0 "
        "can be fixed at its nominal value without changing the answer. Brackets: 95% intervals. "
        "Ranked by mu*: every factor has it, on the output's own scale; the Sobol' indices cover only "
        "the few factors that matter most and with few samples their intervals are wide: read them as "
        "a check.",
    ),
    "sens.source": (
        "来源：drsim敏感性研究，情景 {scenario}，灾种 {hazard}，"
        "每个设计点{n}次重复（共同随机数），种子{seed}",
        "Source: drsim sensitivity study, scenario {scenario}, hazard {hazard}, {n} replications per "
        "design point (common random numbers), seed {seed}",
    ),
    # the offline HTML view's own words (sim/report/html.py; its script fills the {fields})
    "view.title": (
        "{scenario}·{hazard}：仿真结果交互查看",
        "{scenario}, {hazard}: interactive view of the results",
    ),
    "view.help": (
        "滚轮缩放、拖动平移，双击复原；点击村庄查看详情。本文件离线可用，不访问网络。",
        "Scroll to zoom, drag to pan, double-click to reset; click a village for its details. "
        "This file works offline and makes no network request.",
    ),
    "view.sel.target": ("着色依据（救助目标）", "Colour villages by (relief target)"),
    "view.sel.case": ("方案", "Case"),
    "view.sel.rep": ("回放的仿真重复", "Replication replayed"),
    "view.rep.n": ("第{n}次", "no. {n}"),
    "view.time": ("时间", "Time"),
    "view.time.h": ("灾后{h}小时", "{h} h after onset"),
    "view.count.deliveries": ("已送达{d}车次，{v}个村收到物资", "{d} deliveries, {v} villages reached"),
    "view.count.roads": (
        "当前阻断道路{c}条、受损{s}条，已恢复{r}条",
        "{c} roads cut and {s} damaged now, {r} reopened",
    ),
    "view.count.isolated": ("道路不通的村{i}个", "{i} villages cut off by road"),
    "view.legend.villages": ("村（颜色=按时救助概率）", "Village (colour = P(relieved in time))"),
    "view.legend.delivered": ("至此时已收到物资的村", "Village reached by a delivery so far"),
    "view.legend.blocked": ("此时阻断的道路", "Road cut at this time"),
    "view.legend.slowed": ("此时受损但可通行的道路", "Road damaged, passable, at this time"),
    "view.legend.cut_share": (
        "在部分重复中被阻断的道路（线宽=概率）",
        "Road cut in some replications (width = share)",
    ),
    "view.legend.reopened": ("已修复或恢复通行的道路", "Road reopened (repaired or cleared)"),
    "view.legend.isolated": ("此时道路不通的村", "Village cut off by road at this time"),
    "view.legend.shelter": ("应急避难场所", "Emergency shelter"),
    "view.legend.places": ("乡镇（街道）及城区", "Townships and the city"),
    "view.colorbar": ("按时救助概率", "P(relieved in time)"),
    "view.axis.x": ("东西向（公里）", "West-east (km)"),
    "view.axis.y": ("南北向（公里）", "South-north (km)"),
    "view.shelter": ("{place}{cls}类应急避难场所，{area}平方米", "Class {cls} shelter, {place}, {area} m²"),
    "view.no_events": (
        "本结果未保存事件日志（run.keep_events=false），无法回放时间过程；地图仍显示各村概率。",
        "These results kept no event log (run.keep_events=false): nothing to replay; the map "
        "still shows each village's probability.",
    ),
    "view.replay_limited": (
        "为控制文件大小，只嵌入前{k}次重复的回放（共{n}次）；概率按全部重复计算。",
        "To keep the file small only the first {k} of {n} replications can be replayed; "
        "probabilities use them all.",
    ),
    "view.h.verdicts": ("各目标结论", "Verdict per target"),
    "view.h.map": ("地图与回放", "Map and replay"),
    "view.h.townships": ("各乡镇结果", "Results by township"),
    "view.h.cases": ("预算方案比较", "Budget cases"),
    "view.h.frontier": (
        "成本与目标达成概率（点击方案查看其地图）",
        "Cost against P(target holds) (click a case to map it)",
    ),
    "view.h.failing": ("未达标或待定的目标", "Targets that fail or are undecided"),
    "view.panel.close": ("关闭", "Close"),
    "view.colon": ("：", ": "),
    "view.village_in": ("{v}（{t}）", "{v} ({t})"),
    "view.panel.township": ("所属乡镇", "Township"),
    "view.panel.population": ("人口", "Population"),
    "view.panel.displaced": ("平均转移人数", "Displaced (mean)"),
    "view.panel.p": ("按时救助概率（95% Wilson区间，n次）", "P(relieved in time) (95% Wilson, n)"),
    "view.panel.share": ("按时救助人员比例", "Share of people in time"),
    "view.panel.cause": ("主要延误原因", "Main cause of lateness"),
    "view.panel.complete": ("{cls}全部到位（平均）", "{cls} all in place (mean)"),
    "view.panel.timeline": ("时间线（第{n}次重复）", "Timeline (replication no. {n})"),
    "view.panel.no_timeline": ("本次重复中该村无事件。", "Nothing happened here in this replication."),
    "view.panel.nobody": ("无需救助人员", "nobody counted"),
    "view.panel.hours": ("{h}小时", "{h} h"),
    "view.ev.village_hit": ("受灾，{q}人受影响", "struck: {q} people affected"),
    "view.ev.people_displaced": ("{q}人紧急转移", "{q} people displaced"),
    "view.ev.people_stranded": ("{q}人居家需救助", "{q} people at home need relief"),
    "view.ev.situation_reported": ("灾情上报（累计转移{q}人）", "situation reported ({q} displaced so far)"),
    "view.ev.shipment_delivered": ("送达{cls}{q}单位", "{q} units of {cls} delivered"),
    "view.ev.place_isolated": ("道路中断，与所有储备库不通", "cut off: no road from any depot"),
    "view.ev.place_reconnected": ("道路恢复连通", "reachable by road again"),
    "view.ev.people_trapped": ("{q}人被困", "{q} people trapped"),
    "view.ev.people_rescued": ("救出{q}人", "{q} people rescued"),
    "view.ev.trapped_died": ("{q}人被困中死亡", "{q} people died while trapped"),
    "view.ev.shelter_arrived": ("{q}人到达避难场所", "{q} people reached a shelter"),
    "view.ev.aircraft_arrived": ("直升机到达", "helicopter arrived"),
}


# The words of configuration values (and of their plausible ranges) a planner reads in the
# appendix's table of assumptions: settings keep their keys (`tiered_nearest`), the table says
# what they mean. A word without an entry is shown as it is (and the appendix scan test names it).
WORDS: dict[str, tuple[str, str]] = {
    # rescue types, depot tiers, road classes, severities
    "water": ("水域", "water"), "collapse": ("倒塌", "collapse"), "mountain": ("山地", "mountain"),
    "city": ("市级", "city"), "township": ("乡镇", "township"), "contract": ("协议", "contract"),
    "province": ("省级", "province"), "highway": ("公路干线", "highway"), "county": ("县道", "county road"),
    "village": ("村道", "village road"), "high": ("重", "high"), "medium": ("中", "medium"),
    "low": ("轻", "low"),
    # hazards
    "flood": ("洪水", "flood"), "typhoon": ("台风", "typhoon"), "earthquake": ("地震", "earthquake"),
    "landslide": ("滑坡", "landslide"), "forest_fire": ("森林火灾", "forest fire"),
    "hazchem": ("危化品泄漏", "hazardous-chemical release"),
    "typhoon_landslides": ("台风引发的滑坡", "landslides after the typhoon"),
    # items and how often they are needed
    "instant_food": ("方便食品", "instant food"), "quilt": ("棉被", "quilt"), "tent": ("帐篷", "tent"),
    "folding_bed": ("折叠床", "folding bed"), "clothing": ("衣物", "clothing"), "day": ("每日", "a day"),
    "once": ("一次", "once"),
    # who counts and from when
    "affected": ("各人受灾时", "from when each is affected"), "in_need": ("需救助人口", "people in need"),
    "displaced": ("转移人口", "people displaced"), "event_onset": ("灾害发生时", "from onset"),
    "boats": ("冲锋舟", "boats"), "machines": ("大型机械", "large machines"),
    "general": ("普通", "general"), "infectious": ("传染病", "infectious"),
    # policies and switches
    "first_report": ("随村首报", "with the first report"), "at_once": ("即时获知", "at once"),
    "reached_or_reported": ("上报或车辆到达时", "when reported or reached"),
    "multi_drop": ("一趟多村", "several villages a trip"), "single_drop": ("一趟一村", "one village a trip"),
    "insertion_drop": ("一趟多村（仅插入法）", "several villages a trip, insertion only"),
    "tiered_nearest": ("分级、就近", "tiered, nearest"), "tiered_strict": ("严格分级", "strictly tiered"),
    "nearest_stock": ("最近有货", "nearest with stock"),
    "initial_first": ("初步救助物资优先", "initial items first"),
    "fifo": ("先到先装", "first come first loaded"), "true": ("是", "yes"), "false": ("否", "no"),
    "never": ("从不", "never"), "alive": ("存活", "alive"), "rule": ("规定", "rule"), "at": ("于", "at"),
    "units": ("单位", "units"), "scenario": ("情景", "scenario"), "data": ("数据", "data"),
    "see": ("见", "see"), "the": ("", "the"), "hazard": ("灾种", "hazard"), "file": ("设置", "file"),
    "of": ("的", "of"), "design": ("设计", "design"), "speed": ("速度", "speed"),
    "EMS": ("急救", "EMS"), "helicopter": ("直升机", "helicopter"),
}  # fmt: skip


# Where a value names the scenario's relief items, an item's reading comes first: "water" the item
# is drinking water, where elsewhere it is the rescue type (水域).
ITEM_WORDS = {"water": ("饮用水", "drinking water")}


def words(value: str, lang: str, items: bool = False) -> str:
    """`value` with every word of WORDS in `lang` (numbers, units and other words kept); `items`:
    the value names relief items (ITEM_WORDS first).

    >>> words("water (day) 0.5", "zh", items=True)
    '饮用水 (每日) 0.5'
    >>> words("water 0.01, collapse 0.0005", "zh")
    '水域 0.01, 倒塌 0.0005'
    """
    i = LANGS.index(lang)
    vocabulary = {**WORDS, **ITEM_WORDS} if items else WORDS
    return _WORD.sub(lambda m: vocabulary[m.group(0)][i] if m.group(0) in vocabulary else m.group(0), value)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
