/// The pinned terminal text of `patient` for the hand-worked children in ``PatientFixtures``
/// (NO_COLOR, not a terminal). A change here is a change in what pharmacists read: review
/// the diff like code.
extension PatientCommandTests {
  static let amberChildText = #"""
    Asthma check for NHS number 999 800 0017
    Age 10. Records as of 2026-11-21 (from the exports given).

    RED: act now (8 current signals, the highest urgent).

    Current signals
      URGENT  Asthma attack without a GP review within 2 working days
        Why: Asthma attacks treated in hospital or out of hours between 2025-11-22
             and 2026-11-21 with no asthma review recorded within 2 working days: 1,
             the latest on 2026-10-27.
        What to do: Ask the practice to contact the family and offer an asthma
                    review now. At the review, go through what happened, check
                    preventer treatment, inhaler technique and the personalised
                    asthma action plan, and agree what to do if symptoms return.
      URGENT  Nebules issued by the GP practice
        Why: Prescriptions for nebuliser liquid (nebules) issued by the GP practice
             between 2025-11-22 and 2026-11-21: 1.
        What to do: Check with the prescriber whether the nebules are part of a
                    treatment plan agreed with the child's hospital or asthma
                    specialist. If not, arrange an asthma review, ask whether a
                    nebuliser is being used at home, and make sure the family knows
                    to seek urgent help when the reliever inhaler is not working.
      PRIORITY  No current personal asthma action plan
        Why: As of 2026-11-21 the child has no current personal asthma action plan
             on record (plan: overdue; review due: 2026-04-01).
        What to do: At the next contact, agree a written personal asthma action plan
                    with the child and family, or review the existing one. Explain
                    each medicine and what to do in an attack, and share the plan
                    with the school and anyone else who cares for the child.
      PRIORITY  Reliever supplied by a pharmacy without a prescription
        Why: Reliever inhalers supplied by a pharmacy without a prescription
             (emergency supply or NHS 111 urgent supply) between 2026-05-22 and
             2026-11-21: 1.
        What to do: Tell the GP practice about the emergency supplies and ask them
                    to arrange an asthma review; check that a preventer is
                    prescribed and collected. If requests keep coming, agree with
                    the practice how further requests will be handled so that the
                    child is seen.
      PRIORITY  Fewer preventer than reliever inhalers
        Why: Preventer inhalers were 0.16 of all preventer and reliever inhalers
             supplied between 2025-11-22 and 2026-11-21 (below half): preventers 1,
             relievers 5.
        What to do: Raise at the child's next asthma review or medication check: ask
                    how the preventer is being taken, check inhaler technique and
                    whether the preventer is being collected, and consider whether
                    treatment needs changing.
      PRIORITY  No asthma review in the last year
        Why: 0 asthma reviews were recorded between 2025-11-22 and 2026-11-21.
        What to do: Ask the practice to invite the child for an asthma review: check
                    symptom control, attacks in the last year, inhaler technique and
                    how medicines are taken, and agree a written personalised asthma
                    action plan. If invitations have not been answered, try another
                    way of reaching the family.
      PRIORITY  Preventer prescribed but not collected
        Why: Preventer prescriptions issued by the GP between 2025-11-22 and
             2026-11-21 and not dispensed by a pharmacy within 30 days: 1.
        What to do: Let the practice know so they can contact the family: ask
                    whether the preventer is being used and whether anything makes
                    collecting it hard (for example the nominated pharmacy or repeat
                    arrangements), and check that the child has a preventer at home.
      PRIORITY  Reliever inhaler over-use
        Why: 5 reliever (blue) inhalers were supplied between 2025-11-22 and
             2026-11-21.
        What to do: Arrange an asthma review with the child's practice: ask how
                    often the reliever is used, check inhaler technique, check that
                    a preventer is prescribed, collected and taken every day, and
                    update the personalised asthma action plan. At priority, contact
                    the family or practice within days; at urgent (more than 12
                    relievers in a year), the review should happen as soon as
                    possible.

    Last 12 months, one letter a device: R reliever inhaler, P preventer (inhaler or
    tablets); attack: A&E, admission or out-of-hours treatment
      Dec 2025  -              -
      Jan 2026  R              -
      Feb 2026  -              -
      Mar 2026  R              -
      Apr 2026  -              -
      May 2026  RR             -
      Jun 2026  -              -
      Jul 2026  -              -
      Aug 2026  -              -              nebules
      Sep 2026  -              P
      Oct 2026  R              -              emergency supply, attack
      Nov 2026  -              -
      In all    5 relievers, 1 preventer, 1 nebule supply, 1 emergency supply,
                1 attack

    Action plan: review overdue (last issued or reviewed 2025-04-01, review was due
    2026-04-01)
    Safeguarding context: yes, contact the practice safeguarding lead

    Signals point to patterns to look at; they are not a diagnosis or a judgement
    about the family.

    """#

  static let greenChildText = #"""
    Asthma check for NHS number 999 800 0025
    Age 7. Records as of 2026-11-21 (from the exports given).

    GREEN: no current signals; nothing in these records needs action.

    Last 12 months, one letter a device: R reliever inhaler, P preventer (inhaler or
    tablets); attack: A&E, admission or out-of-hours treatment
      Dec 2025  -              P
      Jan 2026  -              P
      Feb 2026  -              P
      Mar 2026  -              P
      Apr 2026  R              P
      May 2026  -              P
      Jun 2026  -              P
      Jul 2026  -              P
      Aug 2026  -              P
      Sep 2026  -              P
      Oct 2026  -              P
      Nov 2026  -              P
      In all    1 reliever, 12 preventers, 0 nebule supplies, 0 emergency supplies,
                0 attacks

    Action plan: current (last issued or reviewed 2026-05-10, review due 2027-05-10)
    Safeguarding context: none known

    Signals point to patterns to look at; they are not a diagnosis or a judgement
    about the family.

    """#
}
