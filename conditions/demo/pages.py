"""The demo site's content: references and condition pages, written for the demo.

Real, well-known sources; page text written for MedSite; illustrations drawn for it when the demo
loads (:mod:`conditions.demo.illustrations`). Loaded by :mod:`conditions.demo`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from conditions.content import ConditionData, SectionData, ShortAnswerData
from conditions.demo import illustrations
from images.licences import Licence
from references.models import Reference


def _md(text: str) -> str:
    return textwrap.dedent(text).strip()


# --- references ------------------------------------------------------------------------------

NICE = "National Institute for Health and Care Excellence"
# Demo sources were 'read' a month before the demo is loaded, so they never look stale.
ACCESSED = date.today() - timedelta(days=30)


def _article(
    key: str, authors: str, title: str, journal: str, year: int, volume: str, issue: str, pages: str, **extra
) -> dict:
    """A journal article; ``authors`` is comma-separated, as a citation lists them."""
    return {
        "key": key,
        "kind": Reference.Kind.JOURNAL_ARTICLE,
        "authors": "\n".join(authors.split(", ")),
        "title": title,
        "container_title": journal,
        "year": year,
        "volume": volume,
        "issue": issue,
        "pages": pages,
        **extra,
    }


def _nice(key: str, kind: str, title: str, series: str, url: str, year: int | None = None) -> dict:
    return {
        "key": key,
        "kind": kind,
        "authors": NICE,
        "title": title,
        "container_title": series,
        "year": year,
        "url": url,
        "accessed_on": ACCESSED,
    }


# fmt: off
REFERENCES = [
    # Migraine
    _article("ashina2020", "Ashina M", "Migraine", "N Engl J Med", 2020, "383", "19", "1866-1876",
             doi="10.1056/NEJMra1915327"),
    _article("ferrari2022", "Ferrari MD, Goadsby PJ, Burstein R, Kurth T, Ayata C, Charles A, Ashina M, "
             "van den Maagdenberg AMJM, Dodick DW", "Migraine", "Nat Rev Dis Primers", 2022, "8", "1", "2",
             doi="10.1038/s41572-021-00328-4"),
    _article("ichd3", "Headache Classification Committee of the International Headache Society (IHS)",
             "The International Classification of Headache Disorders, 3rd edition", "Cephalalgia", 2018,
             "38", "1", "1-211", doi="10.1177/0333102417738202"),
    _nice("nice-cg150", Reference.Kind.GUIDELINE, "Headaches in over 12s: diagnosis and management",
          "NICE clinical guideline CG150", "https://www.nice.org.uk/guidance/cg150", 2012),
    # Iron deficiency anaemia
    _article("camaschella2015", "Camaschella C", "Iron-deficiency anemia", "N Engl J Med", 2015, "372",
             "19", "1832-1843", doi="10.1056/NEJMra1401038"),
    _article("pasricha2021", "Pasricha SR, Tye-Din J, Muckenthaler MU, Swinkels DW", "Iron deficiency",
             "Lancet", 2021, "397", "10270", "233-248", doi="10.1016/S0140-6736(20)32594-0"),
    _article("snook2021", "Snook J, Bhala N, Beales ILP, Cannings D, Kightley C, Logan RP, Pritchard DM, "
             "Sidhu R, Surgenor S, Thomas W, Verma AM, Goddard AF",
             "British Society of Gastroenterology guidelines for the management of iron deficiency "
             "anaemia in adults", "Gut", 2021, "70", "11", "2030-2051", doi="10.1136/gutjnl-2021-325210"),
    {
        "key": "oxford-handbook-2017", "kind": Reference.Kind.BOOK,
        "authors": "Wilkinson IB\nRaine T\nWiles K\nGoodhart A\nHall C\nO'Neill H",
        "title": "Oxford Handbook of Clinical Medicine", "edition": "10",
        "publisher": "Oxford University Press", "place": "Oxford", "year": 2017,
    },
    _nice("nice-cks-anaemia", Reference.Kind.WEB_PAGE, "Anaemia - iron deficiency",
          "NICE Clinical Knowledge Summaries", "https://cks.nice.org.uk/topics/anaemia-iron-deficiency/"),
    # Gout
    _article("dalbeth2021", "Dalbeth N, Gosling AL, Gaffo A, Abhishek A", "Gout", "Lancet", 2021, "397",
             "10287", "1843-1855", doi="10.1016/S0140-6736(21)00569-9"),
    _nice("nice-ng219", Reference.Kind.GUIDELINE, "Gout: diagnosis and management", "NICE guideline NG219",
          "https://www.nice.org.uk/guidance/ng219", 2022),
    _article("fitzgerald2020", "FitzGerald JD, Dalbeth N, Mikuls T, Brignardello-Petersen R, Guyatt G, "
             "Abeles AM, Gelber AC", "2020 American College of Rheumatology guideline for the management "
             "of gout", "Arthritis Care Res (Hoboken)", 2020, "72", "6", "744-760", doi="10.1002/acr.24180"),
    _article("richette2017", "Richette P, Doherty M, Pascual E, Barskova V, Becce F, Castañeda-Sanabria J, "
             "Coyfish M", "2016 updated EULAR evidence-based recommendations for the management of gout",
             "Ann Rheum Dis", 2017, "76", "1", "29-42", doi="10.1136/annrheumdis-2016-209707"),
    # Plantar fasciitis
    _article("buchbinder2004", "Buchbinder R", "Plantar fasciitis", "N Engl J Med", 2004, "350", "21",
             "2159-2166", doi="10.1056/NEJMcp032745"),
    _article("trojian2019", "Trojian T, Tucker AK", "Plantar fasciitis", "Am Fam Physician", 2019, "99",
             "12", "744-750", url="https://www.aafp.org/pubs/afp/issues/2019/0615/p744.html",
             accessed_on=ACCESSED),
    _article("martin2014", "Martin RL, Davenport TE, Reischl SF, McPoil TG, Matheson JW, Wukich DK, "
             "McDonough CM", "Heel pain—plantar fasciitis: revision 2014", "J Orthop Sports Phys Ther",
             2014, "44", "11", "A1-A33", doi="10.2519/jospt.2014.0303"),
    _nice("nice-cks-plantar", Reference.Kind.WEB_PAGE, "Plantar fasciitis",
          "NICE Clinical Knowledge Summaries",
          "https://cks.nice.org.uk/topics/plantar-fasciitis/"),
    # Shingles
    _article("cohen2013", "Cohen JI", "Herpes zoster", "N Engl J Med", 2013, "369", "3", "255-263",
             doi="10.1056/NEJMcp1302674"),
    _article("patil2022", "Patil A, Goldust M, Wollina U", "Herpes zoster: a review of clinical "
             "manifestations and management", "Viruses", 2022, "14", "2", "192", doi="10.3390/v14020192"),
    _nice("nice-cks-shingles", Reference.Kind.WEB_PAGE, "Shingles", "NICE Clinical Knowledge Summaries",
          "https://cks.nice.org.uk/topics/shingles/"),
]
# fmt: on


# --- pages -----------------------------------------------------------------------------------

S = SectionData
A = ShortAnswerData

MIGRAINE = ConditionData(
    name="Migraine",
    summary=(
        "Migraine is a common brain condition that causes repeated attacks of moderate or severe "
        "headache, often with feeling sick and sensitivity to light or sound. Treatment can ease "
        "attacks and, for many people, make them less frequent."
    ),
    also_called=["Migraine headache", "Sick headache"],
    codes=["ICD10CM:G43.909", "SNOMEDCT:37796009", "MESH:D008881"],
    sections=[
        S(
            "overview",
            _md("""
            Migraine is a long-term condition in which a person has attacks of headache that usually
            last from a few hours to three days. The pain is often throbbing, may be on one side of the
            head, and tends to get worse with movement. Many people also feel sick, or find light and
            noise hard to bear, during an attack [@ashina2020].

            About one in three people with migraine have an *aura* with some attacks: short-lived
            changes such as flashing lights or zigzag lines in their vision, or tingling that spreads
            across the face or a hand [@ichd3]. Migraine is one of the leading causes of disability
            worldwide, especially in people under 50, and it is two to three times more common in
            women than in men [@ferrari2022].
        """),
        ),
        S(
            "symptoms",
            _md("""
            An attack can pass through several stages, although not everyone has all of them. The
            symptoms of an attack include:

            - **Early warning signs.** Hours or a day before the pain, some people notice yawning,
              food cravings, a stiff neck, low mood or tiredness.
            - **Aura.** Flickering lights, zigzag lines, a blind spot, or pins and needles build up
              over several minutes and usually last less than an hour [@ichd3].
            - **Headache.** Moderate or severe pain, often throbbing and one-sided, that lasts 4 to
              72 hours if it is not treated [@ichd3].
            - **Feeling or being sick.** Nausea is common, and some people vomit.
            - **Sensitivity to light, sound or smells.** Many people want to lie down in a dark,
              quiet room.
            - **Feeling drained afterwards.** Tiredness and poor concentration can last for a day or
              so after the pain has gone.

            ![](image:migraine-pain-side)
        """),
        ),
        S(
            "when_to_see_a_doctor",
            _md("""
            See a GP or your usual doctor if:

            - you have headaches often, or they are getting worse
            - painkillers from a pharmacy do not help
            - you need painkillers for headaches on many days each month
            - you have an aura for the first time, or your usual aura changes

            Call your local emergency number if a headache:

            - comes on suddenly and is extremely severe, the worst you have ever had
            - comes with weakness, numbness or a drooping face on one side, slurred speech or
              confusion
            - comes with a high temperature, a stiff neck or a rash
            - follows a blow to the head

            These can be signs of a stroke, bleeding in the brain or meningitis, which need treatment
            straight away [@nice-cg150].
        """),
        ),
        S(
            "causes",
            _md("""
            The exact cause is not fully understood. Migraine is thought to start with changes in
            brain activity that switch on pain pathways around the head, including the trigeminal
            nerve. A chemical messenger called CGRP (calcitonin gene-related peptide) is released
            during attacks and plays a large part in the pain [@ferrari2022; @ashina2020]. Migraine
            often runs in families, so genes are involved.

            Attacks are often set off by *triggers*. Common ones are:

            - stress, or the wind-down after a stressful time
            - too much or too little sleep, and missed meals
            - hormonal changes, such as around a period
            - alcohol, and in some people particular foods
            - bright or flickering light, strong smells, or a change in the weather

            Triggers differ from person to person, and avoiding them does not prevent every attack.
        """),
        ),
        S(
            "risk_factors",
            _md("""
            - **Family history.** Having a parent, brother or sister with migraine makes it more
              likely.
            - **Sex.** Women are affected more often than men, partly because of the effect of
              hormones such as oestrogen.
            - **Age.** Migraine often starts in the teenage years or early adulthood. It is most
              common in middle age and often becomes milder later in life.
            - **Hormonal changes.** Attacks are often linked to periods, commonly ease during
              pregnancy, and may change around the menopause.
            - **Frequent use of painkillers.** Taking them on many days a month can make headaches
              more frequent [@nice-cg150].
        """),
        ),
        S(
            "treatment",
            _md("""
            There is no cure, but treatment can ease attacks and make them less frequent
            [@nice-cg150].

            **During an attack**, treatment works best when taken early, as soon as the headache
            starts:

            - simple painkillers such as ibuprofen, aspirin (not for under-16s) or paracetamol
            - *triptans*, such as sumatriptan: prescription medicines that act on the pathways
              behind migraine pain, and can be taken together with a painkiller
            - an anti-sickness medicine, if nausea or vomiting is a problem

            Opioid painkillers such as codeine are not recommended for migraine.

            **To prevent attacks**, a doctor may suggest a medicine taken every day if attacks are
            frequent or disabling, such as propranolol, amitriptyline or topiramate. Topiramate can
            harm an unborn baby, so it is only used by women who could become pregnant if they use
            highly effective contraception. Newer medicines that block CGRP are an option for some
            people when other treatments have not worked [@ashina2020].

            Keeping a headache diary, regular sleep and meals, drinking enough fluids and regular
            exercise help many people.
        """),
        ),
    ],
    short_answers=[
        A(
            "Is migraine just a bad headache?",
            "No. Migraine is a neurological condition. Its attacks usually bring more than head pain, "
            "such as nausea and sensitivity to light and sound, and they can stop people working or "
            "carrying on as usual.",
            _md("""
                Doctors diagnose migraine from the pattern of attacks: how long they last, what the
                pain is like, and what comes with it [@ichd3]. There is no blood test for it, and a
                brain scan is usually only needed if something about the headaches is unusual.
            """),
        ),
        A(
            "Can painkillers make headaches worse?",
            "Yes. Taking painkillers for headache on many days each month can lead to "
            "medication-overuse headache, a headache on most days. A doctor can help you cut down "
            "safely.",
            _md("""
                The risk rises with simple painkillers taken on 15 or more days a month, or triptans,
                opioids or combination painkillers taken on 10 or more days a month, for three months
                or longer [@nice-cg150]. Headaches usually get worse for a while after stopping, then
                improve over several weeks.
            """),
        ),
    ],
    reference_keys=["ashina2020", "ichd3", "ferrari2022", "nice-cg150"],
)

IRON_DEFICIENCY_ANAEMIA = ConditionData(
    name="Iron deficiency anaemia",
    summary=(
        "Iron deficiency anaemia is a lack of healthy red blood cells caused by too little iron in the "
        "body. It can make you tired and short of breath, and it is treated by replacing the iron and "
        "finding out why it ran low."
    ),
    also_called=["Iron deficiency anemia", "Iron-deficiency anaemia", "IDA"],
    codes=["ICD10CM:D50.9", "SNOMEDCT:87522002", "MESH:D018798"],
    sections=[
        S(
            "overview",
            _md("""
            The body needs iron to make haemoglobin, the protein in red blood cells that carries
            oxygen. When iron stores run low, the body makes less haemoglobin and the blood carries
            less oxygen to the tissues. This is iron deficiency anaemia [@camaschella2015].

            It is the most common type of anaemia worldwide. It most often affects young children,
            women who have periods and pregnant women [@pasricha2021]. In men, and in women after the
            menopause, it can be a sign of hidden bleeding from the gut, which needs to be looked
            into [@snook2021].
        """),
        ),
        S(
            "symptoms",
            _md("""
            Mild anaemia may cause no symptoms and only show up on a blood test. When symptoms come,
            they often develop slowly. Symptoms of iron deficiency anaemia include:

            - **Tiredness and lack of energy**, the most common symptom
            - **Shortness of breath** on effort, such as climbing stairs
            - **Pale skin**, or paleness inside the lower eyelids
            - **A fast or pounding heartbeat** (palpitations)
            - **Headaches and dizziness**
            - **Craving non-food items** such as ice or soil, known as *pica*
            - **Other changes**, such as restless legs, brittle nails, hair thinning, a sore tongue
              or cracks at the corners of the mouth [@camaschella2015]
        """),
        ),
        S(
            "when_to_see_a_doctor",
            _md("""
            See a GP or your usual doctor if you have felt tired or short of breath for a while
            without a clear reason, or if you notice any of the symptoms above.

            Get advice promptly if you also have:

            - blood in your stools, or black, tarry stools
            - unexplained weight loss or a lasting change in your bowel habit
            - very heavy periods, or bleeding after the menopause

            These can point to blood loss that needs to be investigated [@nice-cks-anaemia]. Get
            urgent help if you have chest pain, feel faint or are very breathless.
        """),
        ),
        S(
            "causes",
            _md("""
            Iron runs low when the body loses more than it takes in, or cannot absorb enough
            [@pasricha2021]. Causes of iron deficiency anaemia include:

            - **Blood loss.** Heavy periods are the most common cause in women of childbearing age.
              Bleeding from the stomach or bowel can go unnoticed: for example from an ulcer, from
              regular use of anti-inflammatory painkillers, or less often from bowel cancer.
            - **Too little iron in the diet.** This is more likely with a diet low in meat, fish and
              other iron-rich foods.
            - **Higher needs.** Pregnancy and growth in childhood increase the body's need for iron.
            - **Poor absorption.** Coeliac disease, some stomach operations and medicines that reduce
              stomach acid can lower the iron absorbed from food [@snook2021].
        """),
        ),
        S(
            "risk_factors",
            _md("""
            You are more likely to develop iron deficiency anaemia if you:

            - **have heavy periods** or are **pregnant**
            - **eat little or no meat or fish** without planning other sources of iron
            - **give blood often**
            - **take aspirin, anti-inflammatory painkillers or blood thinners** for a long time
            - **have coeliac disease or inflammatory bowel disease**, or have had weight-loss surgery
            - **are a baby or toddler**, particularly one born early or drinking a lot of cow's milk
        """),
        ),
        S(
            "treatment",
            _md("""
            Treatment has two aims: to replace the missing iron, and to find and treat the cause.

            - **Iron tablets.** Most people take iron by mouth, once a day or on alternate days.
              Taking it less often can be absorbed just as well, with fewer stomach upsets
              [@snook2021]. Constipation, diarrhoea, nausea and dark stools are common side effects.
            - **Iron through a drip.** Intravenous iron may be used if tablets are not tolerated or
              not absorbed, or when iron needs replacing quickly.
            - **Checking progress.** A repeat blood test after a few weeks shows whether haemoglobin
              is rising. Tablets are usually continued for about three months after the blood count
              is back to normal, to refill the body's stores [@oxford-handbook-2017].
            - **Treating the cause.** This might mean treatment for heavy periods, changing a
              medicine, or tests to look for bleeding in the gut.

            Iron-rich foods, such as red meat, beans and lentils, dark green vegetables and fortified
            breakfast cereals, help keep iron levels up, but food alone is not usually enough to
            correct anaemia.
        """),
        ),
    ],
    short_answers=[
        A(
            "Why do I need tests to find the cause of low iron?",
            "Because low iron is a sign of something else, not a diagnosis in itself. In men and in "
            "women who no longer have periods, the most common cause is slow bleeding from the gut, so "
            "doctors usually advise tests to look for it.",
            _md("""
                Tests often include a blood test for coeliac disease, a urine test for blood, and a
                look inside the stomach and bowel with a camera (gastroscopy and colonoscopy)
                [@snook2021]. Most people turn out to have a cause that is easily treated, but these
                tests can also find bowel cancer early.
            """),
        ),
        A(
            "Should I take iron tablets with food?",
            "Iron is absorbed best on an empty stomach, but if the tablets upset your stomach you can "
            "take them with food. Keep tea, coffee and antacids away from your dose, as they reduce "
            "absorption.",
            "A drink rich in vitamin C, such as orange juice, may help the body absorb iron "
            "[@camaschella2015]. If side effects are a problem, ask about taking tablets on alternate "
            "days or trying a different iron preparation.",
        ),
    ],
    reference_keys=[
        "camaschella2015",
        "pasricha2021",
        "snook2021",
        "nice-cks-anaemia",
        "oxford-handbook-2017",
    ],
)

GOUT = ConditionData(
    name="Gout",
    summary=(
        "Gout is a type of arthritis caused by crystals of uric acid forming in and around joints. It "
        "causes sudden attacks of severe pain and swelling, often in the big toe, and long-term "
        "treatment to lower uric acid can stop the attacks."
    ),
    also_called=["Gouty arthritis", "Podagra (gout of the big toe)"],
    codes=["ICD10CM:M10.9", "SNOMEDCT:90560007", "MESH:D006073"],
    sections=[
        S(
            "overview",
            _md("""
            Gout happens when there is too much uric acid in the blood. Uric acid is a waste product
            made when the body breaks down substances called purines, and the kidneys normally clear
            it. When levels stay high, tiny needle-shaped crystals can form in a joint and cause
            sudden, very painful inflammation, known as a gout *flare* [@dalbeth2021].

            Gout is the most common inflammatory arthritis in adults, and it is more common in men
            and in older people. With the right long-term treatment the crystals dissolve and flares
            can be prevented [@nice-ng219].
        """),
        ),
        S(
            "symptoms",
            _md("""
            A flare often starts at night and builds over a few hours. Symptoms of a flare include:

            - **Sudden, severe joint pain**, most often at the base of the big toe, but also in the
              foot, ankle, knee, wrist or fingers
            - **Swelling** around the joint
            - **Hot, red or shiny skin** over the joint
            - **Extreme tenderness**, so that even the weight of a bedsheet hurts

            A flare usually settles within one to two weeks, even without treatment, and the joint
            usually feels normal between flares. After years of high uric acid, some people develop
            firm lumps of crystals under the skin, called *tophi*, often on the ears, fingers or
            elbows [@dalbeth2021].
        """),
        ),
        S(
            "when_to_see_a_doctor",
            _md("""
            See a GP or your usual doctor if you have had sudden pain and swelling in a joint, even
            if it has settled, so the cause can be confirmed and treated.

            Get medical help the same day if a hot, swollen joint comes with a high temperature or
            you feel generally unwell. This could be an infection in the joint (septic arthritis),
            which can damage the joint quickly and needs urgent treatment [@nice-ng219].
        """),
        ),
        S(
            "causes",
            _md("""
            Uric acid builds up when the kidneys do not remove enough of it or, less often, when the
            body makes too much. Only some people with high uric acid go on to develop gout.

            Flares can be set off by:

            - alcohol, especially beer and spirits
            - large amounts of red meat, offal or seafood
            - drinks sweetened with sugar
            - dehydration
            - an injury, an operation or a sudden illness
            - starting or changing some medicines, including the first months of treatment to lower
              uric acid [@fitzgerald2020]
        """),
        ),
        S(
            "risk_factors",
            _md("""
            - **Being male**, or for women, being past the menopause
            - **Getting older**
            - **A family history** of gout
            - **Being overweight**
            - **Other conditions**, such as high blood pressure, heart disease, diabetes or kidney
              disease
            - **Some medicines**, including water tablets (diuretics) and low-dose aspirin
            - **Drinking alcohol regularly** [@dalbeth2021]
        """),
        ),
        S(
            "complications",
            _md("""
            Without treatment, flares tend to come more often, last longer and affect more joints.
            Over time gout can cause:

            - **Joint damage** and long-lasting (chronic) arthritis
            - **Tophi**, which can be painful and may break through the skin
            - **Kidney stones** made of uric acid

            People with gout are also more likely to have heart and kidney disease, so doctors
            usually check blood pressure, cholesterol, blood sugar and kidney function [@nice-ng219].
        """),
        ),
        S(
            "treatment",
            _md("""
            **Treating a flare.** The aim is to ease the pain and inflammation quickly. Options are
            colchicine, an anti-inflammatory painkiller (NSAID) such as naproxen, or a short course of
            steroid tablets or a steroid injection [@nice-ng219]. Resting and raising the joint and
            cooling it with an ice pack wrapped in a cloth also help.

            **Preventing flares.** Medicines that lower uric acid, such as allopurinol or febuxostat,
            are taken every day, usually for life. The dose is raised step by step until the uric
            acid level in the blood is below a target, commonly 360 micromol/L (6 mg/dL)
            [@nice-ng219; @richette2017]. Flares can still happen in the first months, so colchicine
            or an NSAID may be taken alongside for a while. Keep taking uric acid-lowering medicine
            during a flare unless your doctor says otherwise.

            **Lifestyle.** Losing weight if you are overweight, cutting down on alcohol and sugary
            drinks, and drinking enough water all help, but diet changes alone rarely bring uric acid
            down far enough [@fitzgerald2020].
        """),
        ),
    ],
    short_answers=[
        A(
            "Does gout only affect the big toe?",
            "No. The big toe is the joint most often affected first, but gout can affect almost any "
            "joint, including the ankle, knee, wrist, fingers and elbow.",
            "Over time, untreated gout tends to affect more joints, sometimes several at once "
            "[@dalbeth2021].",
        ),
        A(
            "Do I have to stop eating meat and seafood?",
            "You do not need to cut them out. Eating less red meat, offal and shellfish, and drinking "
            "less alcohol and fewer sugary drinks, can help, but for most people it is medicine that "
            "brings uric acid down enough to stop flares.",
            "Changes to diet usually lower uric acid only a little, so they are advised alongside "
            "uric acid-lowering treatment rather than instead of it [@fitzgerald2020].",
        ),
    ],
    reference_keys=["dalbeth2021", "nice-ng219", "fitzgerald2020", "richette2017"],
)

PLANTAR_FASCIITIS = ConditionData(
    name="Plantar fasciitis",
    summary=(
        "Plantar fasciitis is pain under the heel caused by strain on the band of tissue that runs "
        "along the sole of the foot. It is usually worst with the first steps in the morning, and most "
        "people recover within a year with simple measures."
    ),
    also_called=["Plantar heel pain", "Plantar fasciopathy", "Policeman's heel"],
    codes=["ICD10CM:M72.2", "SNOMEDCT:202882003", "MESH:D036981"],
    sections=[
        S(
            "overview",
            _md("""
            The plantar fascia is a strong band of tissue that runs from the heel bone to the toes
            and supports the arch of the foot. Plantar fasciitis happens when this tissue is
            overloaded and becomes thickened and painful where it joins the heel [@buchbinder2004].

            It is the most common cause of heel pain in adults, and it is seen most often between
            the ages of 40 and 60 and in runners [@trojian2019]. It can be slow to settle, but it
            usually gets better without surgery: more than 8 in 10 people recover within a year
            [@buchbinder2004].

            ![](image:plantar-fasciitis-heel-pain)
        """),
        ),
        S(
            "symptoms",
            _md("""
            - **Pain under the heel**, often towards the inner side, sometimes spreading into the
              arch
            - **Pain with the first steps in the morning**, or when standing up after sitting, which
              eases as you walk around
            - **Pain after long periods on your feet**, or after exercise rather than during it
            - **Tenderness** when pressing on the underside of the heel
            - **Stiffness** in the heel and arch

            Usually one foot is affected, but it can be both [@trojian2019].
        """),
        ),
        S(
            "when_to_see_a_doctor",
            _md("""
            Heel pain can often be managed at home at first. See a GP, physiotherapist or podiatrist
            if:

            - the pain has not improved after two weeks of looking after your foot
            - it stops you from doing your usual activities
            - you have diabetes and notice any problem with your feet

            Get medical advice the same day if:

            - your heel is red, hot and swollen, or you have a high temperature
            - you have numbness or tingling in your foot
            - the pain started after an injury, or you cannot put weight on your foot
              [@nice-cks-plantar]
        """),
        ),
        S(
            "causes",
            _md("""
            Repeated strain causes small tears in the plantar fascia near the heel, and the tissue
            thickens as it tries to heal. Despite the name (*-itis* means inflammation), the changes
            are thought to be mainly wear and repair rather than ongoing inflammation
            [@buchbinder2004].

            Causes of plantar fasciitis include anything that puts more load on the tissue:

            - standing or walking on hard surfaces for long periods
            - a sudden increase in running, walking or other exercise
            - shoes with little cushioning or arch support, or walking barefoot on hard floors
            - tight calf muscles or a tight Achilles tendon
        """),
        ),
        S(
            "risk_factors",
            _md("""
            - **Age** between about 40 and 60
            - **Being overweight**, which increases the load on the feet
            - **Jobs that involve standing** for most of the day
            - **Running and other high-impact sports**
            - **Foot shape**, such as flat feet or high arches
            - **Stiff ankles**, with a limited ability to bend the foot upwards [@martin2014]
        """),
        ),
        S(
            "treatment",
            _md("""
            Most people get better with simple measures, although it can take several months
            [@martin2014]. Treatments for plantar fasciitis include:

            - **Ease the load.** Cut down on activities that make the pain worse, and switch to
              low-impact exercise such as swimming or cycling for a while.
            - **Stretch.** Regular stretches of the calf and the sole of the foot, especially before
              the first steps of the day, are one of the most useful treatments.
            - **Wear supportive shoes** with a cushioned heel and good arch support, and avoid going
              barefoot on hard floors. Heel pads or shoe inserts help some people.
            - **Painkillers.** Paracetamol, or an anti-inflammatory painkiller such as ibuprofen, can
              ease pain in the short term.
            - **Cool the heel** with an ice pack wrapped in a cloth for up to 20 minutes at a time.
            - **Lose weight** if you are overweight.

            If pain carries on, a physiotherapist or podiatrist may suggest taping, night splints or
            strengthening exercises. Steroid injections can relieve pain for a short time but carry a
            small risk of damaging the fascia. Shockwave therapy is an option for pain that has lasted
            many months, and surgery is rarely needed [@trojian2019].
        """),
        ),
    ],
    short_answers=[
        A(
            "Why is heel pain worst first thing in the morning?",
            "The plantar fascia tightens overnight while the foot rests. The first steps stretch it "
            "suddenly, which hurts; as it loosens with walking, the pain usually eases.",
            "Stretching the calf and the sole of the foot before getting out of bed, or before standing "
            "up after a long sit, can make those first steps less painful [@martin2014].",
        ),
        A(
            "How long does plantar fasciitis take to get better?",
            "Most people improve within a few months, and more than 8 in 10 are better within a year. "
            "Keeping up stretching and wearing supportive shoes give the best chance of a quicker "
            "recovery.",
            "",
        ),
    ],
    reference_keys=["buchbinder2004", "trojian2019", "martin2014", "nice-cks-plantar"],
)

SHINGLES = ConditionData(
    name="Shingles",
    summary=(
        "Shingles is a painful rash caused by the chickenpox virus becoming active again, often many "
        "years after chickenpox. Antiviral medicine works best when started within three days of the "
        "rash appearing, and a vaccine lowers the risk of getting it."
    ),
    also_called=["Herpes zoster", "Zoster"],
    codes=["ICD10CM:B02.9", "SNOMEDCT:4740000", "MESH:D006562"],
    sections=[
        S(
            "overview",
            _md("""
            Shingles is an infection of a nerve and the area of skin it supplies. It is caused by
            the varicella-zoster virus, the same virus that causes chickenpox. After chickenpox the
            virus stays in the nerve cells in an inactive state for life, and it can become active
            again many years later [@cohen2013].

            Shingles is most common in people over 50 and in people with a weakened immune system.
            Roughly 1 in 3 people will have it at some point in their life [@patil2022].
        """),
        ),
        S(
            "symptoms",
            _md("""
            - **Tingling, burning or pain** in one area of skin, often a few days before a rash
            - **A rash of red patches that turn into fluid-filled blisters**, usually in a band on
              one side of the body, most often on the chest or tummy; it can also affect the face and
              eye
            - **Itching** around the rash
            - **Feeling generally unwell**, with a headache or a high temperature

            The blisters dry and crust over within about 7 to 10 days, and the rash usually clears
            within 2 to 4 weeks [@cohen2013].
        """),
        ),
        S(
            "when_to_see_a_doctor",
            _md("""
            See a GP or pharmacist as soon as possible if you think you have shingles. Antiviral
            medicine works best if it is started within three days of the rash appearing
            [@nice-cks-shingles].

            Get medical advice urgently if:

            - the rash is near your eye, or you have eye pain, redness or changes in your sight
            - you have a weakened immune system, for example because of chemotherapy
            - you are pregnant
            - the rash is widespread or you feel very unwell
        """),
        ),
        S(
            "causes",
            _md("""
            Shingles happens when the chickenpox virus, which has been lying inactive in the nerves,
            wakes up and travels along a nerve to the skin. It is more likely when the immune system
            is weaker, because of age, illness or some medicines [@cohen2013].

            You cannot catch shingles from someone else. But someone who has never had chickenpox,
            or the chickenpox vaccine, can catch chickenpox from the fluid in shingles blisters until
            they have crusted over.
        """),
        ),
        S(
            "treatment",
            _md("""
            - **Antiviral medicine**, such as aciclovir or valaciclovir, can shorten the illness and
              lower the chance of complications when it is started early [@nice-cks-shingles].
            - **Painkillers** such as paracetamol ease mild pain; a doctor can prescribe other
              medicines for nerve pain if needed.
            - **Keep the rash clean and dry**, and wear loose clothing over it.

            Some people have nerve pain that lasts for months after the rash has healed. This is
            called *postherpetic neuralgia*, and it is more common in older people [@patil2022].
        """),
        ),
        S(
            "prevention",
            _md("""
            A shingles vaccine lowers the chance of getting shingles and of long-lasting nerve pain
            afterwards [@patil2022]. Who is offered it, and at what age, varies between countries;
            ask your doctor or pharmacist whether you are eligible.
        """),
        ),
    ],
    short_answers=[
        A(
            "Is shingles contagious?",
            "Shingles itself does not pass from person to person, but the fluid in the blisters can "
            "give chickenpox to someone who has never had it or the vaccine. Keep the rash covered "
            "until the blisters have crusted over.",
            "Until then, try to avoid close contact with pregnant women who have not had chickenpox, "
            "newborn babies, and people with a weakened immune system [@nice-cks-shingles].",
        ),
    ],
    reference_keys=["cohen2013", "patil2022", "nice-cks-shingles"],
)


# --- illustrations ------------------------------------------------------------------------------

DEMO_CREDIT = "MedSite demo"


@dataclass(frozen=True)
class DemoImage:
    """A library image the demo pages show, drawn by ``draw`` (PNG bytes) when the demo loads."""

    key: str
    title: str
    alt: str
    caption: str
    draw: Callable[[], bytes]
    focal_x: float = 0.5
    focal_y: float = 0.5
    credit: str = DEMO_CREDIT
    licence: str = Licence.CC_BY


IMAGES = [
    DemoImage(
        "plantar-fasciitis-heel-pain",
        title="Plantar fasciitis: where it hurts",
        alt=(
            "Diagram of a foot seen from the inner side. The plantar fascia runs as a band along the "
            "sole from the heel bone to the toes; the area under the heel, where the band joins the "
            "heel bone, is shaded red and labelled: pain is felt here, under the heel."
        ),
        caption=(
            "The plantar fascia runs along the sole of the foot. Plantar fasciitis pain is usually "
            "felt under the heel, where the fascia joins the heel bone."
        ),
        draw=illustrations.plantar_fasciitis_heel_pain,
        focal_x=0.35,
        focal_y=0.7,
    ),
    DemoImage(
        "migraine-pain-side",
        title="Migraine: one-sided pain",
        alt=(
            "Diagram of a head seen from the front. One side of the forehead, the temple and the area "
            "around the eye on that side are shaded red, labelled throbbing pain on one side; the "
            "other side of the head is unshaded, labelled other side often clear."
        ),
        caption=(
            "Migraine pain is often throbbing and on one side of the head, around the temple and "
            "eye, although it can affect both sides."
        ),
        draw=illustrations.migraine_one_sided_pain,
        focal_x=0.45,
        focal_y=0.4,
    ),
]


@dataclass(frozen=True)
class DemoPage:
    data: ConditionData
    reviewer: str = "reviewer1"
    publish: bool = True  # False: submitted, and left waiting in expert review


PAGES = [
    DemoPage(GOUT, reviewer="reviewer2"),
    DemoPage(IRON_DEFICIENCY_ANAEMIA, reviewer="reviewer2"),
    DemoPage(MIGRAINE),
    DemoPage(PLANTAR_FASCIITIS),
    DemoPage(SHINGLES, publish=False),
]
