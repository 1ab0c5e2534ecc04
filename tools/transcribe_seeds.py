#!/usr/bin/env python
"""Transcribe the two councils' Use of Resources action plans into spreadsheets.

Sources (plain text extracted from the councils' committee-paper PDFs):

* Warwick District Council (WDC), "Value for Money Assessment / Use of Resources
  Action Plan", Appendix 3 of its committee paper.
* South Derbyshire District Council (SDDC), "Appendix A – Use of Resources Action
  Plan 2010", of its committee paper.

The transcription below is literal data, re-joined by hand from the extracted text
(wrapped lines joined with a single space, repeated page headers dropped, wording,
spelling and typos kept). Text lost in the extraction is marked MISSING where it was
cut. Every judgement call is listed in data/README.md.

Run:  .venv/bin/python tools/transcribe_seeds.py
Writes data/wdc_use_of_resources_action_plan.xlsx and
       data/sddc_use_of_resources_action_plan_2010.xlsx
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

MISSING = "[text missing in source]"
M = MISSING  # short alias used inside the data below

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# ---------------------------------------------------------------------------
# Warwick District Council -- Appendix 3
# ---------------------------------------------------------------------------
WDC_FILE = "wdc_use_of_resources_action_plan.xlsx"
WDC_SHEET = "Action Plan"
WDC_TITLE = [
    "Value for Money Assessment / Use of Resources Action Plan",
    "Appendix 3",
    None,
]
WDC_HEADERS = [
    "Issue",
    "Action",
    "Respons ible Officer",  # split word kept exactly as in the source
    "December 2009 Position",
    "March 2010 update",
    "Action Plan from 2010 Assessment",
    "July 2010 update",
]


def heading(text: str) -> tuple[str, str]:
    """A Theme / KLOE heading row (column A only, merged A:G)."""
    return ("heading", text)


# Item rows: (Issue, Action, Responsible Officer, December 2009 Position,
#             March 2010 update, Action Plan from 2010 Assessment, July 2010 update)
# "" = blank cell.  Document order.
WDC_ROWS: list[tuple] = [
    heading(f"Theme 1 - Managing {M}"),
    heading(f"KLOE 1.1 - Financial {M}"),
    (
        "Further integrate corporate financial planning with service planning.",
        "Ensure managers and members are clear and understand the budget/service plan process.",
        "",
        f"{M} 2010/11, we will meet again in April",
        "New Service Plan template being used for 2010/11 Service Plans as part of Corporate Business Improvement Programme. Templates include budget implications of service provision.",
        "",
        "2011/12 Service Plan Template includes finncial implcations of all service plan initiatives.",
    ),
    (
        "Make further efficiencies in lower priority areas.",
        "Savings and efficiencies identified through BIP and Service plan process. Regular Reports to Senior management Team and Members to raise awareness.",
        "",
        "March 2010 and ongoing",
        "",
        "",
        "£1.147m efficiencies declared for 2009/10 exceeded the estimated £770,000 declared in October 2009.",
    ),
    (
        "Better evidence how feedback from consultation impacts on Council policy and financial plans.",
        "Broaden scope of Citizens Panel questions and areas considered as part of Budget consultation.",
        "HoF/IPM",
        "Nov/Dev 2009",
        "Undertaken as part of 2010/11 budget, and consultation thereon.",
        "Consult more widely/with representative groups on financial plans for forthcoming year - CMT/HoF/IPM",
        f"We will be undertaking Budget Consultation as usual in Nov/Dec 2010 in same way as 2009. Otherwise nothing more to {M}",
    ),
    (
        "Stronger evidence of robust challenge of financial plans by Members.",
        "Sub-Group of F&A created to go through the budget papers in detail.",
        "HoF",
        "Meetings held Nov/Dec 2009, Jan/Feb 2010",
        "",
        "",
        "Budget Presentations to all members planned. F&A sub group to be proposed again to consider budget in greater detals. Financial projections subject to detailed scrutiny by F&A.",
    ),
    (
        "",  # Issue cell blank in the source (second action under the issue above)
        "Training for members on Estimates process and member role",
        "HoF",
        "Training session November 2009",
        "",
        "Continue financial training for F&A members with clear explanation of the impact of Support Service costs - HoF",
        "Presentation/report",
    ),
    # --- page 2
    (
        "", "", "", "", "",
        "Ensure income models are innovative and that levels are closely monitored and reflect the external environment - Service Heads",
        "Being progressed by fees and charges review.",
    ),
    (
        "", "", "", "", "",
        "Ensure assumptions for recurring/one-off growth/savings are validated on an ongoing basis - HoF",
        "Reviewed on on- going basis by SFM",
    ),
    heading("KLOE 1.2 - Understanding costs and achieving efficiencies"),
    (
        "Strengthen the use of whole life costing and options appraisals to ensure all potential costs are included.",
        "Standard requirement for all appraisals. Accountants to be aware of this, and trained as necessary.",
        "HoF",
        "Ongoing",
        f"{M} Plan (November 2009 Executive), Golf Project",
        "Better understand the cost of services so as to be able to demonstrate value for money - Service Heads",
        "Benchmarking of charges and costs of services being undertaken as part of Fees and Charges review",
    ),
    (
        "Understanding costs and comparisons with others.",
        "Paper on Benchmarking to SMT",
        "HoF",
        "March 2010",
        "Benchmarking paper to SMT 3 March 2010, being subject to further consideration.",
        "",
        f"Benchmarking discussed by March and April 2010 SMT. Agreed benchamrking is important, and should be undertaken on an appropriate basis and, accordingly, was agreed there should not be a {M}",
    ),
    (
        "Better demonstrate consideration of environmental and social aims in decision making.",
        "Executive reports to be clear about how the recommendations tie-in to the Council's Corporate Strategy",
        "SMT",
        "Ongoing",
        "Principles of Strategic Asset Management (March 2010 Executive)",
        "",
        "",
    ),
    # --- page 3 (cells wrapped one line per text row in the extraction)
    (
        "Strengthen reporting around BIP to enable decision makers to better challenge the assumptions and progress.",
        "BIP reported quarterly to Exec and F&A, supporting documents enhanced to meet member requests.",
        "BIPM/HoF",  # "BIPM/Ho" + "F": a word broken by the narrow column
        "Arrangements in place.",
        "",
        "",
        "New approach to reporting on Corproate Projects (formerly BIP) to SMT in conjunction with outcome data has been developed and will commence in Sept 2010 (see report to SMT June 2010)",
    ),
    (
        "Demonstrate positive outcomes from the lean systems thinking work",
        f"{M} and continue with programme of interventions",
        "IPM",
        "Expect to have outcomes for interventions 1 and 2 by Jan/Feb",
        "Significant improvements achieved for Repairs turn round times and for Benefits New Claims",
        "",
        f"Programme of interventions being implemented. Outcomes of all corproate projects including LST intervention included in new approach to {M}",
    ),
    (
        "", "", "", "", "",
        "Ensure (wherever possible) CMT, S151, Scrutiny, Executive has appropriate time for consideration of business cases - CMT",
        f"If this is not possible, and there is some doubt or unacceptable risk {M} will not be recommneded to members.",
    ),
    heading("KLOE 1.3 - Financial Reporting"),
    (
        f"Ensure that the accounts {M} 'clearly trivial' errors.",
        f"Training of accountants and other officers within the Council who input to Final Accounts process, good planning of closure of accounts and production of Statement of Accounts, and monitoring thereof. Independent check of {M}",
        "SFM",
        "June 2010, ahead of 2009/10 closedown",
        "Training given to officer in departments re Outstanding Liabilities (Accruals), detailed Final Accounts instructions issued, Progress on Accounts being monitored by Stategic Finance",
        "",
        "Awaiting 2010 audit of accounts.",
    ),
    (
        "", "", "", "", "",
        f"Ensure external assessments are published on the website - {M}",
        "On-going",
    ),
    # --- page 4
    (
        "", "", "", "", "",
        "Ensure outcomes from financial consultation are reported to local residents - CMT/HoF/IPM",
        "Annual letter providing feedback to Citizens Panel.",
    ),
    heading("Theme 2 - Governing the Business"),
    heading("KLOE 2.1 commissioning and procurement"),
    (
        "Consider revisiting the Procurement Strategy to be clearer how procurement could contribute to the Council's equality and diversity agenda, the efficiency agenda or the sustainable community strategy",
        "To update procurement documents for future tenders so that WDC ensure equality and diversity matters are addressed by contractors.",
        "FSM/PM",
        "February 2010",
        "Procurement Strategy update to April 2010 Executive. Specifically this strengthens equality and diversity issues, along with sustainability, and efficiency.",
        "Ensure procurement savings are monitored on an ongoing basis - HoF",
        "Procurement savings included within Budget Monitoring reports.",
    ),
    (
        "Better engage with communities with disabilities.",
        "Community Partnership Team to examine how links with representative groups can be developed/improved",
        "HCIS",
        "March 2010 and ongoing",
        "",
        "",
        "On-going. Training sessions with people with disabilities held in March and June 2010. Disability Network will be launched in Autumn 2010.",
    ),
    (
        "Stronger examples of developments arising through locality working.",
        "Community Partnership Team to continue to support and develop Community Forums",
        "HCIS",
        "March 2010 and ongoing",
        "",
        "",
        "On-going. The 7 Forums continue to meet on a quarterly basis. 'Behind the Scenes' newsletters now produced for most forums which highlight outcomes and successes.",
    ),
    (
        M,  # Issue text lost (the extraction shows only a stray "5" in this column)
        "Customer Service Centre has been relocated to County Council premises to provide a joined-up approach for customers. Website has been re-designed following significant customer input.",
        "",
        "Achieved",
        'Record numbers of website visits reducing burden on customer service centre. Review of CSC resource to take place now that joined- up arrangements are in place and "traffic" is being targetted towards web.',
        "",
        "Review of resources to form part of budget setting process for 2011/2012",
    ),
    # --- page 5
    (
        f"{M} ensure that they are equipped to bid for contracts with the Council.",
        f"{M} first meeting with local suppliers held in November 2009, with further meetings planned.",
        "",
        "November 2009 onwards",
        "Seminar with local businesses 2 March. Details on website explain how to do business.",
        "",
        "Further breakfast seminar held April 2010, very positive feedback.",
    ),
    (
        "Strengthen the tendering process to reflect best practice and deliver improved VFM.",
        "The new Delta procurement software that is being implemented will contain scoring matrices which will help with ensure that the Most Economically Advantageous Tenders are analysed",
        "",  # the extraction shows only a stray "," here
        "December 2009",
        "Improvements made with system, and the updated code of contract practice/procurement strategy.",
        "",
        "Contracts Register in place, with plan of contracts to be tendered being produced.",
    ),
    (
        "", "", "", "", "",
        "Remove out of date strategies and policies from the website - DCEx(AJ)",
        "To be removed following approval of new corporate strategy in September",
    ),
    (
        "", "", "", "", "",
        "Ensure purpose of Spa Centre and its position in cultural market is fully covered in RSC project - DCEx(AJ)",
        "Project has commenced and purpose of Centre is in scope",
    ),
    heading("KLOE 2.2 data quality and use of information"),
    (
        "Improved and extended testing of systems and processes for data quality.",
        "As set out in Data Quality Action Plan. This is now integrated in to the Internal Audit Plan",
        "IPM/A&R M",
        "Ongoing",
        "Improved and extending testing commenced in 2009 as part of the Internal Audit of Performance Management. Regular ongoing testing covering all parts of WDC is included in the internal audit work plan",
        "",
        "Testing through Internal Audit continuing but in light of new approach to performance management (see CE's email dated 29/6/10) our approach to DQ needs a complete revision. Planning for this is underway and we plan to recommend revisions to our approach in October",
    ),
    # --- page 6
    (
        "Identify all partners with whom data is shared and ensure agreed standards are in place.",
        "Also set out in DQ Action Plan. Phase 1 progressing with LSP partners through Warks Performance Managers Group. Phase 2 to follow looking at other partners",
        "IPM",
        "Phase 1 by Jan 2010",
        "Warks Performance Managers Group have developed a draft protocal to be used by all organsations involved with Public Service Board. This is due to be agreed at the next PSB. Following this we will impk,ement it for all PSB partners and commence discussions with other LSP partners (and other with whom we regualrly share data.",
        "",
        "This wasn't presented to PSB in April. It is now, part of Partnership Strategy - due to go to PSB on 20/9/10",
    ),
    (
        "More robust checking of the data supporting performance indicators before these are reported to Members.",
        "As set out in Data Quality Action Plan. This is now integrated in to the Internal Audit Plan",
        "IPM",
        "Ongoing",
        "Ongoing",
        "",
        "See above",
    ),
    (
        "Link performance reports and measures to Corporate priorities.",
        "This is already done to some degree through the reports on Corproate Strategy. To build on this we would need to show how all existing measures link to Corproate Strategy (a hierarchy of measures). However it is not intended to do thius at present as the Corproate Business Plan is in development and the way we use measures is being reviewed",
        "",
        "Revisit in May 2010 as part of service planning framework",
        "As part of CBIP we are reviewing our measures and the process for using and reporting progress. This will be taken in to account as part of this review",
        "",
        "New approach to reporting on outcomes and corproate projects means there is a robust and regular timetable for reporting on, discussing and reviewing priorities",
    ),
    (
        "Include forecast outturn to enable Members to assess the sufficiency of mitigating actions where targets are likely to be missed",
        "Propose no action. Role of targets is being reviewed and forecast outturns are almost always guesses which are just as likely to mislead as inform",
        "",
        "No action",
        f"Proposed no action. As part of CBIP we are reviewing our measures and the process for using and reporting progress. This will not be target {M}",
        "",
        "No change",
    ),
    # --- page 7
    (
        "", "", "", "", "",
        "Ensure customer insight project identifies needs/desires of our residents and that the data is used to inform service decisions which specify desired outcomes IPM",
        "Covered by new appraoch to reporting on outcomes and priorities",
    ),
    heading("KLOE 2.3 good governance"),
    (
        f"Ensure everyone at the Council is clear on the existence of registers of interest and gifts and hospitality and the requirements for completing {M}",
        "Quarterly report to Senior Management Team and Council members advised as to their responsibilities at the same time.",
        "DCE(AJ)",
        "Achieved",
        "Quarterly reports have been submitted to SMT.",
        "Ensure SMT is alerting its respective teams to the gifts and hospitality register - DCEx(AJ)",
        "On aging",
    ),
    (
        "embed a Code of Conduct for Senior Officers.",
        "Code of Conduct for Employees in existence, of which some of the issues affect senior officers more than others. Discussion to be held with Audit Commission to ascertain if there are further issues to be included. Ensure all staff are aware of the current code and how its contents affect them.",
        "",
        "",
        "Karen, does this need a Core Brief item or something to spell it out to all officers?",
        "",
        "Code of Conduct Employees to be reviewed and promoted to all employees. HRM, by December 2010.",
    ),
    (
        "strengthen arrangements for partnership governance.",
        "Review of governance arrangements for partnerships to be undertaken and concluded by end of financial year.",
        "",
        "March 2010",
        "All partnership arrangements have been reviewed and members have agreed a revised partnership policy.",
        "Demonstrate that partnership arrangements are leading to better outcomes - DCEx(AJ)",
        "Checklist agreed by Executive to monitor partnership outcomes on an annual basis",
    ),
    (
        "ensure that relevant legislation is complied with.",
        "All reports need to be considered by Legal Services prior to their consideration by members.",
        "",
        "On-going",
        f"Senior Managers responsible for ensuring legal advice sought where {M}",
        "",
        "",
    ),
    (
        "strengthen performance management arrangements with partnerships.",
        "This is being explored through Warks Performance Managers Group. Also stronger link between our performance management framework and SCS being developed through revised Corproate Business Plan",
        "CPT",  # extracted as Cyrillic look-alike letters "СРТ"
        "New Corproate Business Plan - March 2010. Other aspects unknown and undefined at this stage.",
        "",
        f"{M} clear about their role",
        "Report to be taken to O&S covering outside bodies arrangements",
    ),
    # --- page 8
    (
        "", "", "", "", "",
        "Include Complaints and Whistleblowing policies in contract documentation - PM",
        "",
    ),
    (
        "", "", "", "", "",
        "Ensure review of grant agreements is concluded in a timely manner - HCIS",
        f"On-going. Funding Review Panel set up and meeting. Report to July Executive outlining Terms of Reference for the Review with recommendations due to be considered by Executive in {M}",
    ),
    heading("KLOE 2.4 risk management"),
    (
        f"{M} register by making more use of mitigating actions.",
        M,  # Action cell empty in the extraction; lost with the start of the Issue
        "A&RM",
        "March 2010",
        'The Corporate and strategic Risk Register is in the process of a fundamental review, mainly brought about as a result of the Corporate Business Improvement Plan replacing the Corporate Strategy. Including "Mitigating Actions" will be a key element of those changes. Updated Risk Strategy and Action Plan to go to May 2010 Executive.',
        "",
        "The report referred to is now going to SMT in July and will be going to Executive thereafter.",
    ),
    (
        "explore risks relating to specific service provision.",
        "To be addressed as part of Risk Strategy",
        "A&RM",
        "March 2010",
        "Process being put in place whereby Service risk registers are to be scrutinsed on a rolling programme by Risk Management Group, with Service Manager.",
        "",
        "As March 2010 update. Process appears to be working well so far with greater engagement with services on their risks.",
    ),
    # --- page 9
    (
        "expanded risk assessment of partner organisations and service providers.",
        "To be addressed as part of Risk Strategy",
        "",
        "March 2010",
        "Partnerships have been risk-assessed across the organisation in an exercise led by the Deputy Chief Executive (AJ) (March 2010 Executive).",
        "",
        "As March 2010 update.",
    ),
    (
        "be more proactive in addressing the risk of fraud.",
        "Fraud Strategy",
        "",
        "",
        "To be addressed through action plan included within Fraud and Corruption Strategy. Report being issued to May Executive detailing these actions.",
        "",
        "Report has now been issued, albeit to Finance & Audit Scrutiny Committee. Actions will be addressed as detailed at March 2010.",
    ),
    (
        "strengthen arrangements to manage the risk of fraud in partnerships.",
        "To be addressed as part of Anti- Fraud Strategy",
        "A&RM",
        "March 2010",
        "As above.",
        "",
        "As above.",
    ),
    (
        "", "", "", "", "",
        "Raise awareness of governance issues throughout the Council - DCEx(AJ)",
        "",
    ),
    heading("Theme 3 - Managing Resources"),
    heading("KLOE 3.3 workforce"),
    (
        "Reduce reliance on agency staff.",
        f"{M} for all temporary agency workers enables better management of agency staff and monitoring of effective usage.",
        "",
        "Januray 2010",
        f"Agency staff are now managed centrally and good monitoring systems are in place e.g. at any one time we know how many agenc staff we have and {M}",
        "",
        "",
    ),
    (
        f"{M} receive appropriate levels of training.",
        f"{M} recorded in Oct 09 has detailed recommendations for improved recording and clarification of requierements by all staff",
        "",
        f"{M} 09 following audit. Implemented by Feb '10",
        "Clarification of training records required completed and monitored centrally. Audit of individual service spend with CMT for review.",
        "",
        "",
    ),
    (
        "Implement the medium term workforce plan.",
        "Detailed in review of People Strategy and introduction of CMT workforce planning meetings.",
        "",
        f"WFP meetings by {M}",
        "People strategy review again in line with new CBIP framework for 2010. Workforce planning meetings ad hoc with CMT",
        "",
        "",
    ),
    # --- page 10 (cells wrapped one line per text row in the extraction)
    (
        "Ensure that project management skills are adequate to deliver the corporate plan.",
        "Training sessions held in 2009",
        "HRM",
        "Completed for 2009. Will be part of corporate annual training plan as and when demand requires",
        "No further update",
        "",
        "",
    ),
    (
        "Develop a succession plan for senior managers.",
        "See previous but one point",
        "HRM",
        "",
        "In conjunction with item 49 part of the corportae approach to workforce planning",
        "",
        "",
    ),
    (
        "Standardize staff salary payments.",
        "All staff are now monthly paid.",
        "HRM/HoF",
        "Completed",
        "",
        "",
        "",
    ),
]

# ---------------------------------------------------------------------------
# South Derbyshire District Council -- Appendix A
# ---------------------------------------------------------------------------
SDDC_FILE = "sddc_use_of_resources_action_plan_2010.xlsx"
SDDC_SHEET = "Action Plan 2010"
SDDC_TITLE = "Appendix A – Use of Resources Action Plan 2010"
SDDC_HEADERS = ["No.", "Recommendation", "Priority", "Management response", "Implementation details"]

# (No., Recommendation, Priority, Management response, Implementation details)
# The KLOE prefix is the first line of the Recommendation cell; double spaces in the
# source (paragraph breaks inside a cell) are line breaks; HTML kept verbatim.
SDDC_ROWS: list[tuple] = [
    (
        1,
        'KLOE 1.1 - Financial planning\nThe Council needs to continue to develop arrangements to demonstrate more clearly how it is using the feedback from consultation exercises effectively to influence the financial planning process (e.g. through the introduction of participatory budgeting).',
        'Medium',
        "Consultation on the Council's over the last year has improved and is focussed on those priorities that have been identified through the Council's Corporate Plan.\nPlanned activities to improve this include the introduction of an exercise in participatory budgeting that will be used as part of this year's budget consultation process.\nWe provide local support through Parish Concurrent funding to help Parish Council focus on the local priorities identified by residents.\nWe currently work through our safer neighbourhoods meetings to allocate funding to focus on local priorities identified by residents.\nThe Council through the Safer South Derbyshire Partnership operates the Safer Neighbourhoods Fund for the whole of District, which totals £24,000 per year. This equates to £4,000 per neighbourhood area. This funding is allocated to projects identified by the local community that will improve local community safety.\nProject proposals will be checked to make sure they meets the Partnership's priorities and that it contains adequate information to show what the project will do, how it will be implemented and what the potential benefit to the local community will be.",
        'We are undertaking are current programme of budget consultation for 2010/11 and are meeting with residents in January 2010 to discuss the options available.\nWe will aim to improve the funding of bottom up priorities identified by local residents through Parish Planning and other local consultation exercises during 2010/11.\nFollowing the Place Survey, work will be undertaken with the Citizens Panel to understand the priorities of local people. We will then look at the services we provide and look at what options are available to deliver against these priorities.',
    ),
    (
        2,
        'KLOE 1.2 - Understanding costs\nThe Council needs to demonstrate further reductions in costs and / or improvements in services as a result of the decision-making process.',
        'High',
        "Further work to understand the Council's cost base has been undertaken and the Council's Medium Term Financial Plan was refreshed late in 2009 to take into account the most up-to-date projections.\nThis current position has been used to drive down costs within services through better procurement. Restructuring departments for more effective delivery of services has also been addressed in Community Services whilst reducing the cost base.",
        'Further work is planned in 2010 looking at the outcomes from the CMT Budget Review. An action plan has been developed and is being taken forward by the Business Improvement Team to further reduce costs and drive service improvement for this\nCategory analysis undertaken from supplier spend viewpoint. Savings being seen in Print & IT plus other areas. All categories to be analysed over next 12 months.',
    ),
    (
        3,
        'KLOE 1.2 - Understanding costs\nThe Council should pursue its current project exploring the delivery of support services to generate efficiencies.',
        'Medium',
        '<ul> <li>The Corporate Services Partnering Project was approved in October 2008. The strategic objectives that we wish to see from the proposed partnership are to:</li> <li>ensure medium and long term stability in a period of increasing uncertainty,</li> <li>retain and improve access to a wide range of skills and competencies,</li> <li>provide resilience in the provision of services,</li> <li>retain and grow additional jobs in South Derbyshire,</li> <li>protect employee interests of both the current and future workforce,</li> <li>deliver cashable savings that as a minimum is in line with government expectations,</li> <li>sustain top quartile performance and introduce additional innovation,</li> <li>invest in continued business improvements.</li> <li>A task and finish steering group was set up to oversee and manage the project with external support. Supporting this process there has been monthly meetings with a staff forum made up of representatives from across the affected departments and the Unions. The project bidders have been through a negotiated procedure and have been short listed down to two companies who are currently putting in final bid submissions to the Council.</li> </ul>',
        'The bids will be evaluated in February/March 2010 with a preferred partner being approved by the end of April 2010.\nThe contract commencement date is scheduled by the 1 July 2010.',
    ),
    (
        4,
        'KLOE 1.3 - Financial reporting\nThe Council should provide more extensive analysis of the year on year movements within its balance sheet and income and expenditure account and, where appropriate, be able to provide evidence to support these movements.',
        'Medium',
        'This is reliant on monthly-consolidated management accounts closedown that will give an overall snapshot of the Council financial position and enable analysis of the year on year movements. A key part of this will be the development of the Agresso system and associated processes to maintain up to date information.',
        'As part of the Corporate Services Partnering Project there is a KPI to upgrade the financial system, which amongst other things, will allow more detailed analysis of movements within the balance sheet and income and expenditure account.\nBoth shortlisted parties have submitted their proposals and this is being firmed up in the negotiation process. This includes their solution to change current processes alongside Agresso development.\nThe current plan is to roll out from July 2010 with full implementation by April 2011.',
    ),
    (
        5,
        'KLOE 2.1 - Commissioning & procurement\nThe Council needs to develop further its understanding of the supply market and implement demand management services.',
        'Medium',
        'Detailed analysis of supplier spend undertaken during 2009/10. Currently being updated and analysed to next level.\nEach identified category of spend will be reviewed to fully understand the current supply base and then a future state map identified for best use of suppliers according to strategic fit in Kraljic Matrix and level of spend.\n* The Kraljic matrix is a tool to assist in developing differentiated purchasing strategies.',
        'Centralised Purchasing project underway for completion Q1 2010/11.\nCategory analysis and knowledge developing as part of the Centralised Purchasing project.',
    ),
    (
        6,
        'KLOE 2.1 - Commissioning & procurement\nThe Council needs to work with partners to enable it to demonstrate that it can deliver key intended outcomes in line with agreed milestones.',
        'Medium',
        'A major project in 2009/2010 was to build Business Units at Rosliston Forestry Centre, a centre of excellence for forestry, renewable energy and the woodland economy. This was done in partnership and has cost more than £500,000. The project has been funded by the Derbyshire Economic Partnership, the National Forest Company, The Forestry Commission, The Safer South Derbyshire Partnership and South Derbyshire District Council.\nThe units will be built using modern, sustainable materials and operated through sustainable energy sources.',
        'All future spend strategies will be undertaken following in depth with consultation with all stakeholders, whether they be internal or external.\nPotential projects for 2010 include:\n1 Wind Turbine. On behalf of the Partners SDDC have commissioned a feasibility study into siting a wind turbine on site to reduce running costs and add to the green credentials and environmental education offer at the site.\n2 Cycle Skills Area. On behalf of the Partners SDDC have commissioned consultants to draw up a master plan for cycling facilities at the Rosliston site.\n3. We are also exploring joint working with East Staffs Borough Council looking at a shared depot and on leisure centre management.',
    ),
    (
        7,
        'KLOE 2.1 - Commissioning & procurement\nThe Council needs to demonstrate a clear rationale for insourcing / outsourcing decisions for key services, focussing on achieving integrated social, economic and environmental outcomes.',
        'High',
        'The Category Strategy Process (available from BI Team) contains a thorough analysis of the supply market and the key areas required to make decisions prior to any insourcing or outsourcing decisions.',
        'The Council will face key insourcing / outsourcing decisions for the following services over the next year\n• CSPP • Depot • Leisure Centres',
    ),
    (
        8,
        'KLOE 2.2 - Use of information & data quality\nThe Council needs to ensure that the implementation plan for the delivery of Council-wide training on data quality and managing performance is undertaken.',
        'Medium',
        'Performance Management Training has been undertaken as part of the implementation of the new PRIDE system This was done on a one to one basis with the departmental representatives.\nThis training has now been integrated with the data quality and will be rolled out to officers and members in 2010.',
        '3 Training Sessions will be held with officers.\n1 Training session will be held with Members.\nThese sessions will commence in February 2010.',
    ),
    (
        9,
        'KLOE 2.2 - Use of information & data quality\nThe Council needs to provide update training for benefits staff to ensure that classifications and dates are correctly recorded for benefits claims.',
        'Medium',
        'Training for benefits staff took place on 18/11/09 for all team members, including agency staff.\nSince then we have done a weekly check on the dates used to ensure that the training has been effective. We are also gradually working back through the financial year to identify any possible errors and correcting these.',
        'We will continue to monitor the dates used so training for 2010/11 will dependant on the results of this.\nEarly indications show that some errors have been made and corrected, but these are no more than 5% at the moment.',
    ),
    (
        10,
        'KLOE 2.3 - Good governance\nThe Council needs to develop further governance arrangements for all relevant partnerships to ensure that outcomes for local people continue to be delivered.',
        'Medium',
        'One of the major items that has been completed in the last six months is the publication of South Derbyshire\'s Sustainable Community Strategy ("the Strategy"). This has resulted in the Officer Group being able to add this important piece of work to our evidence base and re-evaluate our scores. The Strategy sets out the vision for the economic, social and environmental well-being of South Derbyshire and takes account of all the strategies that are important, bringing them together and showing how people and agencies that work together can make a difference and add value. There is a rolling five year action plan that outlines the specific activities that will happen each year which are carried out by partner organisations, through the five theme groups which monitor and report progress and performance to the South Derbyshire Partnership on a regular basis.',
        "The major partnerships that the Council work with are the South Derbyshire Partnership (LSP) and the Safer South Derbyshire Partnership. The governance arrangements for these replicate those in the Countywide Derbyshire Partnership Forum. This ensures that decisions are made in an accountable manner and that transparency is shown as part of the decision making process.\nInformation on outcomes for local people are now collected as part of the performance management arrangements operated at a county level through the collection of performance information for the LAA. This information is also collected locally as part of the performance management arrangements for the South Derbyshire Partnership's Sustainable Community Strategy. Both these arrangements have commenced in 2009/10 and will continue into 2010/11.",
    ),
    (
        11,
        'KLOE 2.4 - Risk management and internal control\nThe Council needs to fully integrate its risk management processes and procedures to ensure a consistent corporate approach.',
        'High',
        "The Council Leader and Members are committed to a programme of risk management as an element of its strategy to preserve the Council's assets, enhance safety and productivity for residents, service users and members of the public and protect its employees.\nThe Council has undertaken a review of its arrangements for risk management. We have developed a new approach based on good practice from ALARM and the Public Sector. This systematic approach will be managed through the Strategic Risk Group and contains an overall strategy, toolkit and terms of reference for looking at the Council's risks throughout the organisation.",
        "The revised approach will be taken to Finance and Management Committee in February 2010 for approval.\nThe revised approach will be in place from the 1 April 2010.\nThe new Corporate Risk Group will meet in April 2010 and will review the Council's Strategic Risks and oversee the operational risks across each service area.",
    ),
    (
        12,
        'KLOE 2.4 - Risk management and internal control\nThe Council needs to continue to develop risk registers at LSP level ensuring that these are reviewed at a regular frequency and that appropriate action is taken as a result.',
        'Medium',
        'The Council as part of the South Derbyshire Partnership produced the new Sustainable Community Strategy 2009 to 2029. This contained the priorities for the District, which the Partnership will be focussed on delivering.',
        'The Council will work with partners to develop a Strategic Risk Register for the 5 theme groups by 31st December 2010.\nChildren and Young People\nVibrant Communities\nHealthier Communities\nSafer Communities\nSustainable Development',
    ),
    (
        13,
        "Managing natural resources\nThe Council needs to ensure that it has sound arrangements in place to demonstrate that it is at least 'getting the basics right' for managing natural resources in 2009/10 (e.g. CO2 emissions, water consumption and air quality).",
        'High',
        "The Council is committed to preventing pollution to the environment and furthermore, implementing environmental improvements. To this end we have sought to develop an environmental management system compliant with Eco-Management and Audit Scheme (EMAS) and ISO14001. We successfully implemented and have been accredited by the scheme in August 2009.\nWe have been able to make significant improvements. So far we have achieved a 5% saving on electricity used across our four sites, reduced the amount of gas we use by 8% and reduced the amount of office equipment left on overnight by 32%. We've also implemented internal recycling, saving about 10 tonnes of paper, card and plastic from going to landfill in only 9 months. There have been changes across all areas of the authority. We've introduced a system for recording our fleet, commuting and business mileage, upgraded our printing facilities so we use less paper and improved our energy consumption. We've made changes to operational practices and procedures to ensure we are as energy efficient as possible.",
        'We have already planned future improvements including looking at how, in a rural setting, we can reduce the impact of our fleet, commuting and business miles.\nOur EMAS action plan sets out the key priorities for the Council in this area in 2010.\nOne of the key actions for us in 2010 is to bring together current practice from across the Council to build on our Environmental policies develop a Climate Change Strategy for the district.',
    ),
    (
        14,
        'KLOE 3.3 - Workforce management\nThe Council needs to ensure that it completes its planned Workforce Development Plan in 2009/10.',
        'Medium',
        'Agreed. Workforce Development Plan was approved in May 2009 and the action plan is reviewed and updated on an annual basis.',
        'The latest version of the Workforce Development Plan is available on the Council\'s website <a href="http://www.south-derbys.gov.uk/Images/Workforce%20Profile%20-%20External_tcm21-129268.pdf">http://www.south-derbys.gov.uk/Images/Workforce%20Profile%20-%20External_tcm21-129268.pdf</a>',
    ),
    (
        15,
        'KLOE 3.3 - Workforce management\nThe Council needs to agree the local pay and grading review and implement the local pay structure.',
        'Medium',
        'On 1st September 2008, the Council submitted proposals to the Trades Unions for the completion of the Pay & Grading Review. This included a proposed pay model.\nThe Review has been overseen by the Single Status Steering Group, which consists of Elected Members and Trade Union representatives. Officers attend meetings of the Group in an advisory capacity. The Steering Group then has to report to the Finance & Management Committee.\nThe Council, working closely with the Trade Unions has completed a Pay & Grading review that included completing a job evaluation of each post. The job evaluation scheme was jointly chosen, developed and completed with the full support of the Trade Unions.\nSince then, ongoing meetings have been held with the Trade Unions in an attempt to find an agreed position. Unfortunately, despite the continued efforts of both parties, no agreement has been achieved. Therefore, the Council has decided to follow statutory employment procedures to implement and complete the Pay & Grading Review.\n7th December 2009\nStatutory 90 day collective consultation period began',
        'Agreed. Action being completed to implement revised pay structure in June 2010.\nIndicative timescales are;\n8th March 2010\nEnd of statutory consultation period\n9th March 2010\nFormal notice of dismissal/r e-engagement sent to all employees\n3rd June 2010\nImplementation date of all changes',
    ),
    (
        16,
        'Workforce management\nThe Council needs to fully implement and comply with the new Equality Framework.',
        'Medium',
        "South Derbyshire District Council is committed to treating people fairly in everything we do as a service provider, employer and leader of the community. We work to ensure that our employees and the people we serve receive fair and equal treatment in all aspects of our work.\nEquality and fairness is about putting in place practices that allow South Derbyshire to engage with all the communities we serve and developing our staff to recognise how society is changing and responding to change in order to provide services that people want.\nThe Council self declared that we were working at Level 2 of the standard in May 2008 and we have a corporate commitment to reach Level 3, corresponding to Achieving Level status of the revised Equality Framework for Local Government by March 2010. A robust action plan is in place to reach Achieving Level has been implemented with a number of clear steps having been taken.\nProgressing to 'Achieving' Level of The Equality Framework for Local Government is a key corporate target for us",
        "Action plan in place to reach 'Achieving' status of National Equality Framework by March 2010.\nIdeA to undertake a Peer Assessment on 3 and 4 February 2010 to determine our level against the National Equality Framework.",
    ),
]

SDDC_NOTES = [
    "Source: Appendix A – Use of Resources Action Plan 2010",
    "South Derbyshire District Council committee paper; transcribed from the extracted text "
    "(see data/README.md).",
]

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _cell(value):
    return value if value not in ("", None) else None


def write_wdc(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = WDC_SHEET
    ws.cell(row=1, column=1, value=WDC_TITLE[0]).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=WDC_TITLE[1]).font = BOLD
    header_row = 4
    for col, name in enumerate(WDC_HEADERS, start=1):
        c = ws.cell(row=header_row, column=col, value=name)
        c.font = BOLD
        c.alignment = WRAP_TOP
    r = header_row
    for row in WDC_ROWS:
        r += 1
        if row[0] == "heading":
            c = ws.cell(row=r, column=1, value=row[1])
            c.font = BOLD
            c.alignment = Alignment(vertical="top")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(WDC_HEADERS))
            continue
        assert len(row) == len(WDC_HEADERS), row
        for col, value in enumerate(row, start=1):
            c = ws.cell(row=r, column=col, value=_cell(value))
            c.alignment = WRAP_TOP
    for letter, width in zip("ABCDEFG", (40, 45, 12, 24, 45, 45, 45)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    wb.save(path)


def write_sddc(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = SDDC_SHEET
    ws.cell(row=1, column=1, value=SDDC_TITLE).font = Font(bold=True, size=14)
    header_row = 3
    for col, name in enumerate(SDDC_HEADERS, start=1):
        c = ws.cell(row=header_row, column=col, value=name)
        c.font = BOLD
        c.alignment = WRAP_TOP
    for i, row in enumerate(SDDC_ROWS, start=header_row + 1):
        assert len(row) == len(SDDC_HEADERS), row
        for col, value in enumerate(row, start=1):
            c = ws.cell(row=i, column=col, value=_cell(value))
            c.alignment = WRAP_TOP
    for letter, width in zip("ABCDE", (6, 50, 10, 70, 60)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)

    notes = wb.create_sheet("Notes")
    for i, line in enumerate(SDDC_NOTES, start=1):
        notes.cell(row=i, column=1, value=line)
    notes.column_dimensions["A"].width = 100
    wb.save(path)


def _check() -> None:
    items = [r for r in WDC_ROWS if r[0] != "heading"]
    assert [n for n, *_ in SDDC_ROWS] == list(range(1, 17))
    highs = [n for n, _, p, *_ in SDDC_ROWS if p == "High"]
    assert highs == [2, 7, 11, 13], highs
    assert all(p in ("High", "Medium") for _, _, p, *_ in SDDC_ROWS)
    assert all(len(r) == 7 for r in items)


def main() -> None:
    _check()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    write_wdc(DATA_DIR / WDC_FILE)
    write_sddc(DATA_DIR / SDDC_FILE)
    items = [r for r in WDC_ROWS if r[0] != "heading"]
    n2009 = sum(1 for r in items if r[0] or r[1])
    n2010 = sum(1 for r in items if r[5])
    both = sum(1 for r in items if (r[0] or r[1]) and r[5])
    print(f"wrote {DATA_DIR / WDC_FILE}: {len(WDC_ROWS) - len(items)} heading rows, "
          f"{n2009} 2009 items, {n2010} 2010 actions ({both} rows hold both)")
    print(f"wrote {DATA_DIR / SDDC_FILE}: {len(SDDC_ROWS)} recommendations")


if __name__ == "__main__":
    main()
