"""Sources as resources: each citation the data once wrote as a string becomes a
resource a reader can follow, shared by every fact that cites it.

- a UN document symbol (``"S/RES/1509 (2003)"``) becomes the document at
  undocs.org, the IRI the data already uses (:func:`peacekg.links.un_document_url`);
  with a pinpoint (``"S/RES/1509 (2003), paragraph 7"``) it becomes a part of
  that document under ``id/source/`` (``dct:isPartOf`` the document);
- any other citation (a treaty, a book, an article, a press item, a web page
  named without its address) is looked up in :data:`CITATIONS` and becomes a
  work under ``https://w3id.org/peacekg/id/source/``, or a part of one
  (``dct:isPartOf``) where it cited a chapter or article. Spelling variants of
  one work share one resource.

Pure functions over text; ``tools/sources_to_resources.py`` applies them to the
files in data/ and writes ``data/sources.ttl``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .links import UNDOCS, un_document_url
from .namespaces import ID

#: Base of the IRIs of sources that have no web address of their own.
SOURCE = ID + "source/"


@dataclass(frozen=True)
class Work:
    """A cited work with no UN symbol: its title, the full reference, and its web
    address where one was confirmed (else None)."""

    label: str
    citation: str
    url: str | None = None


#: The works the data cites, by slug (IRI ``{SOURCE}<slug>``).
WORKS: Mapping[str, Work] = {
    "iso-3166-1": Work("ISO 3166-1: Codes for the representation of names of countries and their subdivisions, Part 1: Country code", "International Organization for Standardization, ISO 3166-1, Country codes"),
    "un-charter": Work("Charter of the United Nations", "Charter of the United Nations (1945)"),
    "oau-charter": Work("Charter of the Organization of African Unity", "Charter of the Organization of African Unity (Addis Ababa, 1963)"),
    "oas-charter": Work("Charter of the Organization of American States", "Charter of the Organization of American States (Bogotá, 1948)"),
    "au-constitutive-act": Work("Constitutive Act of the African Union", "Constitutive Act of the African Union (Lomé, 2000)"),
    "au-psc-protocol": Work("Protocol Relating to the Establishment of the Peace and Security Council of the African Union", "Protocol Relating to the Establishment of the Peace and Security Council of the African Union (Durban, 2002)"),
    "cairo-declaration-1993": Work("Cairo Declaration on the Establishment of the OAU Mechanism for Conflict Prevention, Management and Resolution", "Cairo Declaration on the Establishment of the OAU Mechanism for Conflict Prevention, Management and Resolution (1993)"),
    "ecowas-treaty-1975": Work("Treaty of the Economic Community of West African States", "Treaty of the Economic Community of West African States (1975)"),
    "ecowas-mechanism-protocol-1999": Work("ECOWAS Protocol Relating to the Mechanism for Conflict Prevention, Management, Resolution, Peace-Keeping and Security", "ECOWAS Protocol Relating to the Mechanism for Conflict Prevention, Management, Resolution, Peace-Keeping and Security (Lomé, 1999)"),
    "eccas-treaty-1983": Work("Treaty establishing the Economic Community of Central African States", "Treaty establishing the Economic Community of Central African States (1983)"),
    "north-atlantic-treaty": Work("North Atlantic Treaty", "North Atlantic Treaty (1949)"),
    "treaty-on-european-union": Work("Treaty on European Union", "Treaty on European Union (1992)"),
    "eu-joint-action-2003-artemis": Work("Council Joint Action on the European Union military operation in the Democratic Republic of Congo", "Council of the European Union, Joint Action on the European Union military operation in the Democratic Republic of Congo, 5 June 2003"),
    "eu-joint-action-2004-570-cfsp": Work("Council Joint Action 2004/570/CFSP", "Council of the European Union, Council Joint Action 2004/570/CFSP (2004)"),
    "eu-council-decision-2004-803-cfsp": Work("Council Decision 2004/803/CFSP", "Council of the European Union, Council Decision 2004/803/CFSP (2004)"),
    "oas-cp-res-859": Work("OAS Permanent Council resolution CP/RES. 859 (1397/04)", "Organization of American States, Permanent Council, CP/RES. 859 (1397/04)"),
    "oas-press-release-e-018-04": Work("OAS press release E-018/04", "OAS press release E-018/04, 6 February 2004"),
    "oas-mapp-26th-report-2019": Work("Twenty-sixth report of the Secretary General to the Permanent Council on the Mission to Support the Peace Process in Colombia (MAPP/OAS)", "Twenty-sixth report of the Secretary General to the Permanent Council on the Mission to Support the Peace Process in Colombia (MAPP/OAS) (2019)"),
    "oau-central-organ-comm-xci": Work("OAU Central Organ communiqué Central Organ/MEC/AMB/Comm. (XCI)", "Organization of African Unity, Central Organ of the Mechanism, Central Organ/MEC/AMB/Comm. (XCI)"),
    "au-psc-pr-comm-1068-2022": Work("AU Peace and Security Council communiqué PSC/PR/COMM.1068(2022)", "African Union Peace and Security Council, PSC/PR/COMM.1068(2022)"),
    "au-psc-communique-2004-03-25": Work("Communiqué of the second session of the AU Peace and Security Council", "Communiqué of the second session of the AU Peace and Security Council, 25 March 2004"),
    "au-psc-communique-2004-05-25": Work("Communiqué of the 10th meeting of the AU Peace and Security Council", "Communiqué of the 10th meeting of the AU Peace and Security Council, 25 May 2004"),
    "au-psc-communique-2007-01-19": Work("Communiqué of the 69th meeting of the AU Peace and Security Council", "Communiqué of the 69th meeting of the AU Peace and Security Council, 19 January 2007"),
    "au-psc-communique-2013-07-19": Work("Communiqué of the AU Peace and Security Council on the Central African Republic", "Communiqué of the AU Peace and Security Council on the Central African Republic, 19 July 2013"),
    "au-assembly-decision-somalia-2007": Work("Assembly of the African Union, Decision on Somalia", "Assembly of the African Union, Decision on Somalia, 8th ordinary session (January 2007)"),
    "au-misca-first-progress-report-2014": Work("First progress report of the AU Commission on the Central African Republic and MISCA", "First progress report of the AU Commission on the Central African Republic and MISCA (2014)"),
    "capstone-doctrine-2008": Work("United Nations Peacekeeping Operations: Principles and Guidelines", "United Nations, Department of Peacekeeping Operations and Department of Field Support, United Nations Peacekeeping Operations: Principles and Guidelines (2008)"),
    "a4p-declaration-2018": Work("Declaration of Shared Commitments on UN Peacekeeping Operations", "Declaration of Shared Commitments on UN Peacekeeping Operations, Action for Peacekeeping (2018)"),
    "kigali-principles-2015": Work("The Kigali Principles on the Protection of Civilians", "The Kigali Principles on the Protection of Civilians, High-level International Conference on the Protection of Civilians (Kigali, 2015)"),
    "safety-convention-1994": Work("Convention on the Safety of United Nations and Associated Personnel", "Convention on the Safety of United Nations and Associated Personnel (New York, 1994), annexed to A/RES/49/59"),
    "safety-convention-optional-protocol-2005": Work("Optional Protocol to the Convention on the Safety of United Nations and Associated Personnel", "Optional Protocol to the Convention on the Safety of United Nations and Associated Personnel (New York, 2005)"),
    "iciss-2001": Work("The Responsibility to Protect", "International Commission on Intervention and State Sovereignty, The Responsibility to Protect (2001)"),
    "kosovo-report-2000": Work("The Kosovo Report", "Independent International Commission on Kosovo, The Kosovo Report (Oxford University Press, 2000)"),
    "howard-2008": Work("UN Peacekeeping in Civil Wars", "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008)"),
    "williams-2018-amisom": Work("Fighting for Peace in Somalia: A History and Analysis of the African Union Mission (AMISOM), 2007-2017", "Paul D. Williams, Fighting for Peace in Somalia: A History and Analysis of the African Union Mission (AMISOM), 2007-2017 (Oxford University Press, 2018)"),
    "olonisakin-2007": Work("Peacekeeping in Sierra Leone: The Story of UNAMSIL", "'Funmi Olonisakin, Peacekeeping in Sierra Leone: The Story of UNAMSIL (Lynne Rienner, 2007)"),
    "bellamy-williams-2011": Work("The new politics of protection? Cote d'Ivoire, Libya and the responsibility to protect", "Alex J. Bellamy and Paul D. Williams, 'The new politics of protection? Cote d'Ivoire, Libya and the responsibility to protect', International Affairs 87(4) (2011) 825-850"),
    "farrall-2012": Work("Recurring Dilemmas in a Recurring Conflict: Evaluating the UN Mission in Liberia (2003-2006)", "Jeremy Farrall, 'Recurring Dilemmas in a Recurring Conflict: Evaluating the UN Mission in Liberia (2003-2006)', Journal of International Peacekeeping 16 (2012) 306-342"),
    "tomolya-2015": Work("Operation Artemis: The First Autonomous EU-led Operation", "Tomolya, J., 'Operation Artemis: The First Autonomous EU-led Operation', AARMS 14(1) (2015)"),
    "epon-drc-2019": Work("Assessing the Effectiveness of the UN Missions in the DRC (MONUC-MONUSCO)", "Alexandra Novosseloff et al., Assessing the Effectiveness of the UN Missions in the DRC (MONUC-MONUSCO), Effectiveness of Peace Operations Network, Norwegian Institute of International Affairs, Report 3/2019"),
    "public-papers-u-thant-vii": Work("Public Papers of the Secretaries-General of the United Nations, Volume VII: U Thant, 1965-1967", "Public Papers of the Secretaries-General of the United Nations, Volume VII: U Thant, 1965-1967"),
    "un-archives-onusal": Work("United Nations Archives, ONUSAL authority record", "United Nations Archives and Records Management Section, ONUSAL authority record"),
    "un-archives-ag-076-onuca": Work("United Nations Archives, fonds AG-076 (ONUCA)", "United Nations Archives and Records Management Section, fonds AG-076 (ONUCA)"),
    "un-press-sg-sm-7302": Work("United Nations press release SG/SM/7302", "United Nations press release SG/SM/7302 (15 February 2000)"),
    "un-interfet-replaced-2000": Work("INTERFET security force in East Timor officially replaced by UN", "United Nations, 'INTERFET security force in East Timor officially replaced by UN', 23 February 2000"),
    "un-news-burundi-2004-06-01": Work("African mission built solid foundation for UN force in Burundi", "UN News, 'African mission built solid foundation for UN force in Burundi', 1 June 2004"),
    "unamid-amis-transfer-2007": Work("African Union Mission in Sudan to transfer authority on 31 December 2007", "UNAMID, 'African Union Mission in Sudan to transfer authority on 31 December 2007', 28 December 2007"),
    "unsc-syria-vote-2011-10-04": Work("Security Council vote on a draft resolution on the situation in Syria, 4 October 2011", "United Nations Security Council, vote on a draft resolution on the situation in Syria, 4 October 2011"),
    "us-dod-haiti-2004-02-29": Work("Department of Defense statement on Haiti", "US Department of Defense, 'Department of Defense statement on Haiti', 29 February 2004"),
    "afps-haiti-2004-03-01": Work("Marines Take on Haitian Peacekeeping Mission", "American Forces Press Service, 'Marines Take on Haitian Peacekeeping Mission', 1 March 2004"),
    "daily-star-liberia-2003-10-01": Work("US pulls out of Liberia", "The Daily Star (AFP, BBC), 'US pulls out of Liberia', 1 October 2003"),
    "peoples-daily-liberia-2003-08-05": Work("Nigerian Peacekeepers Arrive in Liberia", "People's Daily, 'Nigerian Peacekeepers Arrive in Liberia', 5 August 2003"),
    "acap-fomuc-micopax-2008-07-12": Work("Transfert de compétence entre la FOMUC et la MICOPAX à Bangui", "Agence Centrafrique Presse, 'Transfert de compétence entre la FOMUC et la MICOPAX à Bangui', 12 July 2008"),
    "acap-cemac-ceeac-2008": Work("Bientôt le transfert d'autorité entre les Forces de la CEMAC et la Mission de la CEEAC à Bangui", "Agence Centrafrique Presse, 'Bientôt le transfert d'autorité entre les Forces de la CEMAC et la Mission de la CEEAC à Bangui' (2008)"),
    "un-peacekeeping-unmogip-background": Work("UNMOGIP: background", "United Nations Peacekeeping, UNMOGIP background"),
    "nato-jfc-naples-kfor": Work("KFOR mission page, NATO Joint Force Command Naples", "NATO Joint Force Command Naples, KFOR mission page"),
}


@dataclass(frozen=True)
class Cite:
    """Where a citation string points: a work (by slug) and, optionally, the part
    of it that was cited (``"Article 2(4)"``)."""

    work: str
    part: str | None = None


def _charter(part: str | None) -> Cite:
    return Cite("un-charter", part)


#: Every citation string in the data that is not a UN document symbol.
CITATIONS: Mapping[str, Cite] = {
    "ISO 3166-1": Cite("iso-3166-1"),
    "Charter of the United Nations (1945)": _charter(None),
    **{f"Charter of the United Nations (1945), {p}": _charter(p) for p in (
        "Article 2(4)", "Article 2(7)", "Article 24", "Article 25", "Article 39", "Article 40", "Article 41",
        "Article 42", "Article 51", "Article 52", "Article 53", "Article 54",
        "Chapter I", "Chapter V", "Chapter VI", "Chapter VII", "Chapter VIII")},
    **{f"Charter of the United Nations, {p}": _charter(p) for p in ("Chapter IV", "Chapter V", "Chapter XV")},
    "Charter of the Organization of African Unity (1963)": Cite("oau-charter"),
    "Charter of the Organization of African Unity (Addis Ababa, 1963)": Cite("oau-charter"),
    "Charter of the Organization of American States (1948)": Cite("oas-charter"),
    "Charter of the Organization of American States (Bogotá, 1948)": Cite("oas-charter"),
    "Constitutive Act of the African Union (2000)": Cite("au-constitutive-act"),
    "Constitutive Act of the African Union (Lomé, 2000)": Cite("au-constitutive-act"),
    "Constitutive Act of the African Union (2000), Article 4(h)": Cite("au-constitutive-act", "Article 4(h)"),
    "Constitutive Act of the African Union (Lomé, 2000), Article 4(h)": Cite("au-constitutive-act", "Article 4(h)"),
    "Protocol Relating to the Establishment of the Peace and Security Council of the African Union (2002)": Cite("au-psc-protocol"),
    "Protocol Relating to the Establishment of the Peace and Security Council of the African Union (Durban, 2002)": Cite("au-psc-protocol"),
    "Cairo Declaration on the Establishment of the OAU Mechanism for Conflict Prevention, Management and Resolution (1993)": Cite("cairo-declaration-1993"),
    "Treaty of the Economic Community of West African States (1975)": Cite("ecowas-treaty-1975"),
    "ECOWAS Protocol Relating to the Mechanism for Conflict Prevention, Management, Resolution, Peace-Keeping and Security (Lomé, 1999)": Cite("ecowas-mechanism-protocol-1999"),
    "Treaty establishing the Economic Community of Central African States (1983)": Cite("eccas-treaty-1983"),
    "North Atlantic Treaty (1949)": Cite("north-atlantic-treaty"),
    "Treaty on European Union (1992)": Cite("treaty-on-european-union"),
    "Council of the European Union, Joint Action on the European Union military operation in the Democratic Republic of Congo, 5 June 2003": Cite("eu-joint-action-2003-artemis"),
    "Council Joint Action 2004/570/CFSP": Cite("eu-joint-action-2004-570-cfsp"),
    "Council Decision 2004/803/CFSP": Cite("eu-council-decision-2004-803-cfsp"),
    "CP/RES. 859 (1397/04)": Cite("oas-cp-res-859"),
    "OAS press release E-018/04, 6 February 2004": Cite("oas-press-release-e-018-04"),
    "Twenty-sixth report of the Secretary General to the Permanent Council on the Mission to Support the Peace Process in Colombia (MAPP/OAS) (2019)": Cite("oas-mapp-26th-report-2019"),
    "Central Organ/MEC/AMB/Comm. (XCI)": Cite("oau-central-organ-comm-xci"),
    "PSC/PR/COMM.1068(2022)": Cite("au-psc-pr-comm-1068-2022"),
    "Communiqué of the second session of the AU Peace and Security Council, 25 March 2004": Cite("au-psc-communique-2004-03-25"),
    "Communiqué of the 10th meeting of the AU Peace and Security Council, 25 May 2004": Cite("au-psc-communique-2004-05-25"),
    "Communiqué of the 69th meeting of the AU Peace and Security Council, 19 January 2007": Cite("au-psc-communique-2007-01-19"),
    "Communiqué of the AU Peace and Security Council on the Central African Republic, 19 July 2013": Cite("au-psc-communique-2013-07-19"),
    "Assembly of the African Union, Decision on Somalia, 8th ordinary session (January 2007)": Cite("au-assembly-decision-somalia-2007"),
    "First progress report of the AU Commission on the Central African Republic and MISCA (2014)": Cite("au-misca-first-progress-report-2014"),
    "United Nations Peacekeeping Operations: Principles and Guidelines (2008)": Cite("capstone-doctrine-2008"),
    "United Nations Peacekeeping Operations: Principles and Guidelines, DPKO/DFS (2008)": Cite("capstone-doctrine-2008"),
    "Declaration of Shared Commitments on UN Peacekeeping Operations (2018)": Cite("a4p-declaration-2018"),
    "Declaration of Shared Commitments on UN Peacekeeping Operations, Action for Peacekeeping (2018)": Cite("a4p-declaration-2018"),
    "The Kigali Principles on the Protection of Civilians (2015)": Cite("kigali-principles-2015"),
    "The Kigali Principles on the Protection of Civilians, High-level International Conference on the Protection of Civilians (Kigali, 2015)": Cite("kigali-principles-2015"),
    "Convention on the Safety of United Nations and Associated Personnel (New York, 1994), annexed to A/RES/49/59": Cite("safety-convention-1994"),
    "Optional Protocol to the Convention on the Safety of United Nations and Associated Personnel (New York, 2005)": Cite("safety-convention-optional-protocol-2005"),
    "ICISS, The Responsibility to Protect (2001)": Cite("iciss-2001"),
    "International Commission on Intervention and State Sovereignty, The Responsibility to Protect (2001)": Cite("iciss-2001"),
    "Independent International Commission on Kosovo, The Kosovo Report (Oxford University Press, 2000)": Cite("kosovo-report-2000"),
    "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008)": Cite("howard-2008"),
    "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008), chapter on Namibia": Cite("howard-2008", "chapter on Namibia"),
    "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008), chapter 'The failures: Somalia, Rwanda, Angola, Bosnia'": Cite("howard-2008", "chapter 'The failures: Somalia, Rwanda, Angola, Bosnia'"),
    "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008), chapter 'Mozambique: learning to create consent'": Cite("howard-2008", "chapter 'Mozambique: learning to create consent'"),
    "Lise Morjé Howard, UN Peacekeeping in Civil Wars (Cambridge University Press, 2008), chapter 'Cambodia: organizational dysfunction, partial learning, and mixed success'": Cite("howard-2008", "chapter 'Cambodia: organizational dysfunction, partial learning, and mixed success'"),
    "Paul D. Williams, Fighting for Peace in Somalia: A History and Analysis of the African Union Mission (AMISOM), 2007-2017 (Oxford University Press, 2018)": Cite("williams-2018-amisom"),
    "'Funmi Olonisakin, Peacekeeping in Sierra Leone: The Story of UNAMSIL (Lynne Rienner, 2007)": Cite("olonisakin-2007"),
    "Alex J. Bellamy and Paul D. Williams, 'The new politics of protection? Cote d'Ivoire, Libya and the responsibility to protect', International Affairs 87(4) (2011) 825-850": Cite("bellamy-williams-2011"),
    "Jeremy Farrall, 'Recurring Dilemmas in a Recurring Conflict: Evaluating the UN Mission in Liberia (2003-2006)', Journal of International Peacekeeping 16 (2012) 306-342": Cite("farrall-2012"),
    "Tomolya, J., 'Operation Artemis: The First Autonomous EU-led Operation', AARMS 14(1) (2015)": Cite("tomolya-2015"),
    "Alexandra Novosseloff et al., Assessing the Effectiveness of the UN Missions in the DRC (MONUC-MONUSCO), Effectiveness of Peace Operations Network, Norwegian Institute of International Affairs, Report 3/2019": Cite("epon-drc-2019"),
    "Public Papers of the Secretaries-General of the United Nations, Volume VII: U Thant, 1965-1967, pp. 424-433": Cite("public-papers-u-thant-vii", "pp. 424-433"),
    "United Nations Archives, ONUSAL authority record": Cite("un-archives-onusal"),
    "United Nations Archives, fonds AG-076 (ONUCA)": Cite("un-archives-ag-076-onuca"),
    "United Nations press release SG/SM/7302 (15 February 2000)": Cite("un-press-sg-sm-7302"),
    "United Nations, 'INTERFET security force in East Timor officially replaced by UN', 23 February 2000": Cite("un-interfet-replaced-2000"),
    "UN News, 'African mission built solid foundation for UN force in Burundi', 1 June 2004": Cite("un-news-burundi-2004-06-01"),
    "UNAMID, 'African Union Mission in Sudan to transfer authority on 31 December 2007', 28 December 2007": Cite("unamid-amis-transfer-2007"),
    "United Nations Security Council, vote on a draft resolution on the situation in Syria, 4 October 2011": Cite("unsc-syria-vote-2011-10-04"),
    "US Department of Defense, 'Department of Defense statement on Haiti', 29 February 2004": Cite("us-dod-haiti-2004-02-29"),
    "American Forces Press Service, 'Marines Take on Haitian Peacekeeping Mission', 1 March 2004": Cite("afps-haiti-2004-03-01"),
    "The Daily Star (AFP, BBC), 'US pulls out of Liberia', 1 October 2003": Cite("daily-star-liberia-2003-10-01"),
    "People's Daily, 'Nigerian Peacekeepers Arrive in Liberia', 5 August 2003": Cite("peoples-daily-liberia-2003-08-05"),
    "Agence Centrafrique Presse, 'Transfert de compétence entre la FOMUC et la MICOPAX à Bangui', 12 July 2008": Cite("acap-fomuc-micopax-2008-07-12"),
    "Agence Centrafrique Presse, 'Bientôt le transfert d'autorité entre les Forces de la CEMAC et la Mission de la CEEAC à Bangui' (2008)": Cite("acap-cemac-ceeac-2008"),
    "NATO Joint Force Command Naples, KFOR mission page": Cite("nato-jfc-naples-kfor"),
    "United Nations Peacekeeping, UNMOGIP background": Cite("un-peacekeeping-unmogip-background"),
}

#: Citations of pages of the UN peacekeeping site named without their address,
#: resolved to the page itself (its title, its address) as a stored copy of the
#: page confirmed it. "United Nations Peacekeeping, UNMOGIP background" has no
#: such copy and stays a work without an address (see docs/data-notes.md).
PEACEKEEPING_PAGES: Mapping[str, tuple[str, str]] = {
    "United Nations Peacekeeping, UNAVEM I mandate": ("UNAVEM I: mandate", "https://peacekeeping.un.org/sites/default/files/past/unavem1/UnavemIM.htm"),
    "United Nations Peacekeeping, UNGOMAP mandate": ("UNGOMAP: mandate", "https://peacekeeping.un.org/mission/past/ungomap/mandate.html"),
    "United Nations Peacekeeping, UNIKOM mandate": ("UNIKOM: mandate", "http://www.un.org/en/peacekeeping/missions/past/unikom/mandate.html"),
    "United Nations Peacekeeping, UNMIH mandate (past missions)": ("UNMIH: mandate", "https://peacekeeping.un.org/fr/mission/past/unmihmandate.html"),
    "United Nations Peacekeeping, UNMOP mandate page (peacekeeping.un.org)": ("UNMOP: mandate", "http://www.un.org/en/peacekeeping/missions/past/unmop/mandate.html"),
    "United Nations Peacekeeping, UNOGIL mandate": ("UNOGIL: mandate", "https://peacekeeping.un.org/sites/default/files/past/unogilmandate.html"),
    "United Nations Peacekeeping, UNOSOM I mandate": ("UNOSOM I: mandate", "https://peacekeeping.un.org/fr/mission/past/unosom1mandate.html"),
    "United Nations Peacekeeping, UNTAC mandate": ("UNTAC: mandate", "https://peacekeeping.un.org/sites/default/files/past/untacmandate.html"),
    "United Nations Peacekeeping, UNYOM mandate": ("UNYOM: mandate", "https://peacekeeping.un.org/mission/past/unyommandate.html"),
}

#: A pinpoint after a UN symbol: ``S/RES/1509 (2003), paragraph 7``.
_PINPOINT = re.compile(r"^(?P<symbol>.+?), (?:paragraphs?|para\.) [0-9][0-9 ,and-]*$")


class UnresolvedCitation(ValueError):
    """A citation string that is neither a UN symbol nor in :data:`CITATIONS`."""


@dataclass(frozen=True)
class Source:
    """A source resource: its IRI, label, full reference, web address, and the
    work it is part of (for a cited chapter or article)."""

    iri: str
    label: str
    citation: str | None = None
    url: str | None = None
    identifier: str | None = None
    part_of: str | None = None


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``-`` (``"Article 2(4)"`` → ``article-2-4``)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def resolve(text: str) -> list[Source]:
    """The source resource a citation string stands for, followed by the work it
    is part of (if any). Raises :class:`UnresolvedCitation` for an unknown string."""
    text = text.strip()
    pinpoint = _PINPOINT.match(text)
    symbol = pinpoint.group("symbol") if pinpoint else text
    url = un_document_url(symbol)
    if url is not None:
        document = Source(url, symbol, identifier=symbol)
        if pinpoint is None:
            return [document]
        part = Source(f"{SOURCE}{slug(symbol)}-{slug(text[len(symbol) + 2:])}", text, text, part_of=url)
        return [part, document]
    if text in PEACEKEEPING_PAGES:
        title, page = PEACEKEEPING_PAGES[text]
        return [Source(page, f"{title} (United Nations Peacekeeping)", text)]
    cite = CITATIONS.get(text)
    if cite is None:
        raise UnresolvedCitation(text)
    work = WORKS[cite.work]
    whole = Source(SOURCE + cite.work, work.label, work.citation, work.url)
    if cite.part is None:
        return [whole]
    part = Source(
        f"{SOURCE}{cite.work}-{slug(cite.part)}",
        f"{work.label}, {cite.part}",
        f"{work.citation}, {cite.part}",
        part_of=whole.iri,
    )
    return [part, whole]


def known_sources() -> dict[str, Source]:
    """Every source a known citation string resolves to (works, their parts and
    peacekeeping pages), by IRI."""
    return {s.iri: s for text in (*CITATIONS, *PEACEKEEPING_PAGES) for s in resolve(text)}


def describe_document(iri: str, symbols: Mapping[str, str]) -> Source:
    """The description of a UN document cited by its undocs.org IRI: its symbol
    from ``symbols`` (IRI → symbol as the data writes it), else from the IRI."""
    symbol = symbols.get(iri) or re.sub(r"^(S/RES/[0-9]+)\(([0-9]{4})\)$", r"\1 (\2)", iri.removeprefix(UNDOCS))
    return Source(iri, symbol, identifier=symbol)


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_SOURCES_HEADER = """@prefix dct:  <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix source: <https://w3id.org/peacekg/id/source/> .

# Generated by tools/sources_to_resources.py: every source the data cites that
# is a UN document (its undocs.org page), a page once cited without its address,
# or a work with no address of its own (id/source/<slug>). Do not edit by hand:
# add a work to peacekg.citations and run the tool again.

"""


def sources_turtle(sources: Iterable[Source]) -> str:
    """Deterministic Turtle for ``data/sources.ttl`` (sorted by IRI)."""
    blocks = [_SOURCES_HEADER]
    def node(iri: str) -> str:
        return f"source:{iri.removeprefix(SOURCE)}" if iri.startswith(SOURCE) else f"<{iri}>"

    for s in sorted({s.iri: s for s in sources}.values(), key=lambda s: s.iri):
        subject = node(s.iri)
        lines = ["a dct:BibliographicResource", f"dct:title {_string(s.label)}"]
        if s.identifier:
            lines.append(f"dct:identifier {_string(s.identifier)}")
        if s.citation:
            lines.append(f"dct:bibliographicCitation {_string(s.citation)}")
        if s.url:
            lines.append(f"foaf:page <{s.url}>")
        if s.part_of:
            lines.append(f"dct:isPartOf {node(s.part_of)}")
        blocks.append(subject + "\n    " + " ;\n    ".join(lines) + " .\n")
    return "\n".join(blocks)


# --- rewriting Turtle text ---------------------------------------------------

_OBJECT = re.compile(r'\s*(<[^>\s]*>|"(?:[^"\\\n]|\\.)*")')
_SEPARATOR = re.compile(r"\s*,")


def rewrite_sources(turtle: str, resolve_iri: Callable[[str], str]) -> tuple[str, list[str]]:
    """Replace every string object of ``dct:source`` in ``turtle`` by the IRI
    ``resolve_iri`` gives it, dropping an IRI that the same list already names.
    Returns the new text and the strings replaced, in order. Layout, comments
    and every other statement are kept as they were."""
    out: list[str] = []
    replaced: list[str] = []
    position = 0
    for match in re.finditer(r"\bdct:source\b", turtle):
        if match.start() < position:
            continue
        objects: list[tuple[int, int, str]] = []  # (start, end, token)
        cursor = match.end()
        while True:
            obj = _OBJECT.match(turtle, cursor)
            if obj is None:
                break
            objects.append((obj.start(1), obj.end(1), obj.group(1)))
            cursor = obj.end()
            sep = _SEPARATOR.match(turtle, cursor)
            if sep is None:
                break
            cursor = sep.end()
        if not any(token.startswith('"') for _, _, token in objects):
            continue
        iris: list[str] = []
        for _, _, token in objects:
            if token.startswith('"'):
                text = _unescape(token[1:-1])
                replaced.append(text)
                iri = f"<{resolve_iri(text)}>"
            else:
                iri = token
            if iri not in iris:
                iris.append(iri)
        start, end = objects[0][0], objects[-1][1]
        out.append(turtle[position:start])
        out.append(_join_like(turtle[start:end], iris))
        position = end
    out.append(turtle[position:])
    return "".join(out), replaced


def _join_like(original: str, iris: list[str]) -> str:
    """The object list ``iris``, on one line, or broken where the original broke
    its first line (keeping the continuation indent)."""
    if "\n" not in original:
        return " , ".join(iris)
    indent = re.search(r"\n([ \t]*)", original)
    assert indent is not None
    return (" ,\n" + indent.group(1)).join(iris)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def add_document_pages(turtle: str) -> tuple[str, int]:
    """Add ``foaf:page <undocs.org URL>`` after each ``peacekg:documentSymbol`` line of
    a UN symbol whose block has no ``foaf:page`` yet. Returns the text and the
    number of links added."""
    blocks = re.split(r"(\n\s*\n)", turtle)
    added = 0
    for i, block in enumerate(blocks):
        if "foaf:page" in block:
            continue
        symbol = re.search(r'^(?P<indent>[ \t]+)peacekg:documentSymbol "(?P<symbol>[^"]+)" ;[^\n]*$', block, re.M)
        if symbol is None:
            continue
        url = un_document_url(symbol.group("symbol"))
        if url is None:
            continue
        line = f"\n{symbol.group('indent')}foaf:page <{url}> ;"
        blocks[i] = block[: symbol.end()] + line + block[symbol.end():]
        added += 1
    text = "".join(blocks)
    if added and "@prefix foaf:" not in text:
        text = "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n" + text
    return text, added

