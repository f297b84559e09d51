"""One message table for the interface, French first; `t(key, lang, **values)`."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "quiz.title": {"fr": "Quiz du module {module} (noté)", "en": "Module {module} quiz (graded)"},
    "quiz.help": {"fr": "Une seule bonne réponse par question. Chaque choix est enregistré aussitôt dans {file} ; vous pouvez fermer le notebook et reprendre plus tard.",
                  "en": "One correct answer per question. Each choice is saved at once in {file}; you can close the notebook and come back later."},
    "competence.title": {"fr": "QCM d'acquisition des compétences du cours {course}", "en": "Course {course} competence MCQ"},
    "competence.intro": {"fr": "Quinze questions de mise en situation sur l'ensemble du cours, une seule bonne réponse chacune. Chaque choix est enregistré aussitôt ; soumettez le devoir depuis l'onglet Devoirs quand vous avez fini. Ce QCM compte pour le certificat.",
                         "en": "Fifteen scenario questions across the whole course, one right answer each. Each choice is saved at once; submit the assignment from the Assignments tab when you are done. This MCQ counts towards the certificate."},
    "quiz.saved": {"fr": "Enregistré", "en": "Saved"},
    "quiz.not_answered": {"fr": "Pas encore répondu", "en": "Not answered yet"},
    "quiz.progress": {"fr": "{done}/{total} réponses enregistrées", "en": "{done}/{total} answers saved"},
    "quiz.broken": {"fr": "Le fichier de réponses était illisible : {problem}. Il a été mis de côté{aside} et le quiz repart de zéro ; vos nouveaux choix sont enregistrés normalement.",
                    "en": "The answers file could not be read: {problem}. It was kept aside{aside} and the quiz starts afresh; your new choices are saved as usual."},
    "quiz.aside": {"fr": " sous le nom {name}", "en": " as {name}"},
    "answers.unreadable": {"fr": "il ne peut pas être lu", "en": "it cannot be read"},
    "answers.symlink": {"fr": "c'est un lien vers un autre fichier (le lien a été retiré, le fichier visé n'a pas été touché)",
                        "en": "it is a link to another file (the link was removed; the file it pointed to was not touched)"},
    "answers.not_file": {"fr": "ce n'est pas un fichier (un dossier porte son nom)", "en": "it is not a file (a folder has its name)"},
    "answers.too_big": {"fr": "il est bien trop gros pour un fichier de réponses", "en": "it is far too large for an answers file"},
    "answers.not_utf8": {"fr": "il contient des octets qui ne sont pas du texte UTF-8", "en": "it holds bytes that are not UTF-8 text"},
    "answers.not_json": {"fr": "ce n'est pas du JSON valide", "en": "it is not valid JSON"},
    "answers.nested": {"fr": "son contenu est imbriqué bien trop profondément", "en": "its content is nested far too deeply"},
    "answers.structure": {"fr": "il ne contient pas la liste de réponses attendue", "en": "it does not hold the expected list of answers"},
    "answers.bad_choice": {"fr": "un choix n'est pas l'une des lettres a, b, c, d", "en": "a choice is not one of the letters a, b, c, d"},
    "quiz.save_failed": {"fr": "Échec de l'enregistrement : {error}", "en": "Saving failed: {error}"},
    "question": {"fr": "Question {n}", "en": "Question {n}"},
    "check.title": {"fr": "Vérifiez votre compréhension", "en": "Check your understanding"},
    "check.button": {"fr": "Vérifier", "en": "Check"},
    "check.correct": {"fr": "Bonne réponse.", "en": "Correct."},
    "check.wrong": {"fr": "Pas tout à fait.", "en": "Not quite."},
    "check.pick": {"fr": "Choisissez une réponse.", "en": "Pick an answer."},
    "check.review": {"fr": "Voir toutes les explications", "en": "Show all explanations"},
    "lesson.mandatory_rule": {"fr": "Dans ce cours, un module suggéré par votre auto-évaluation initiale devient obligatoire pour obtenir le certificat.",
                              "en": "In this course, a module suggested by your initial self-assessment becomes mandatory for the certificate."},
    "lesson.your_status": {"fr": "Votre parcours pour ce module : {status}.", "en": "Your path for this module: {status}."},
    "ask.title": {"fr": "Une question pour la session finale ?", "en": "A question for the final live session?"},
    "ask.help": {"fr": "Les formateur·ices rassemblent les questions pour la table ronde d'expert·es.", "en": "Trainers gather the questions for the expert round table."},
    "ask.module": {"fr": "Module (facultatif)", "en": "Module (optional)"},
    "ask.send": {"fr": "Envoyer la question", "en": "Send the question"},
    "ask.sent": {"fr": "Question envoyée, merci.", "en": "Question sent, thank you."},
    "privacy.title": {"fr": "Vos données personnelles", "en": "Your personal data"},
    "privacy.notice": {
        "fr": "Responsable du traitement : {controller} ({contact}).\n"
              "Finalités : vous proposer un parcours adapté, noter les quiz et évaluations, délivrer votre certificat et suivre la formation financée par l'Union européenne. "
              "Données : votre nom ou identifiant, vos réponses et résultats, vos rendus notés et leurs retours, les questions que vous posez pour la session finale.\n"
              "Base légale : l'exécution de la formation à laquelle vous êtes inscrit·e (art. 6-1-b du RGPD). Destinataires : vos formateur·ices et correcteur·ices uniquement ; aucune donnée n'est vendue ni envoyée hors de l'Union européenne. "
              "Le parcours proposé après l'auto-évaluation est une recommandation que votre formateur·ice peut revoir avec vous.\n"
              "Conservation : {months} mois après la fin de votre cours, puis effacement.\n"
              "Vos droits : accès, copie (export de toutes vos données), rectification, effacement, limitation, opposition, portabilité ; écrivez à {contact}. "
              "Vous pouvez aussi saisir la CNIL (cnil.fr).",
        "en": "Controller: {controller} ({contact}).\n"
              "Purposes: offering you an adapted path, grading quizzes and evaluations, issuing your certificate and reporting on this EU-funded training. "
              "Data: your name or user id, your answers and results, your graded submissions and their feedback, the questions you leave for the final session.\n"
              "Legal basis: performance of the training you enrolled in (GDPR art. 6(1)(b)). Recipients: your trainers and graders only; nothing is sold or sent outside the European Union. "
              "The path suggested after the self-assessment is a recommendation your trainer can review with you.\n"
              "Retention: {months} months after your course ends, then erased.\n"
              "Your rights: access, a copy (an export of all your data), rectification, erasure, restriction, objection, portability: write to {contact}. "
              "You may also complain to your data protection authority (in France, the CNIL: cnil.fr)."},
    "privacy.controller_placeholder": {"fr": "[organisme qui déploie la formation — à renseigner : SETS_PRIVACY_CONTROLLER]",
                                       "en": "[organisation deploying the training — to be filled in: SETS_PRIVACY_CONTROLLER]"},
    "privacy.contact_placeholder": {"fr": "[contact données personnelles — à renseigner : SETS_PRIVACY_CONTACT]",
                                    "en": "[personal data contact — to be filled in: SETS_PRIVACY_CONTACT]"},
    "privacy.export.title": {"fr": "Données personnelles détenues sur : {learner}", "en": "Personal data held on: {learner}"},
    "privacy.export.generated": {"fr": "Export du {when}. Le fichier index.json décrit chaque élément (origine, taille, empreinte).",
                                 "en": "Exported on {when}. index.json describes every item (where it comes from, size, checksum)."},
    "privacy.export.nothing": {"fr": "Aucune donnée n'est détenue sur cette personne.", "en": "No data is held on this person."},
    "path.title": {"fr": "Mon parcours SETS", "en": "My SETS path"},
    "path.intro": {"fr": "Choisissez votre cours, répondez à l'auto-évaluation (5 questions par module) et obtenez les leçons qui vous seront le plus utiles.",
                   "en": "Pick your course, answer the self-assessment (5 questions per module) and get the lessons that will help you most."},
    "path.language": {"fr": "Langue", "en": "Language"},
    "path.course": {"fr": "Cours", "en": "Course"},
    "path.learner": {"fr": "Votre nom (une seule fois)", "en": "Your name (asked once)"},
    "path.learner_set": {"fr": "Continuer", "en": "Continue"},
    "path.hello": {"fr": "Apprenant·e : {name}", "en": "Learner: {name}"},
    "path.initial": {"fr": "Auto-évaluation initiale", "en": "Initial self-assessment"},
    "path.final": {"fr": "Évaluation finale", "en": "Final evaluation"},
    "path.submit": {"fr": "Envoyer mes réponses", "en": "Submit my answers"},
    "path.submit_confirm": {"fr": "Envoyer ? Chaque évaluation ne s'envoie qu'une fois.", "en": "Submit? Each evaluation can be submitted only once."},
    "path.unanswered": {"fr": "Il reste {n} question(s) sans réponse.", "en": "{n} question(s) still unanswered."},
    "path.draft_saved": {"fr": "Réponses enregistrées ({done}/{total}).", "en": "Answers saved ({done}/{total})."},
    "path.submitted": {"fr": "Envoyée le {when}.", "en": "Submitted on {when}."},
    "path.scores": {"fr": "Vos résultats par module", "en": "Your results per module"},
    "path.module": {"fr": "Module", "en": "Module"},
    "path.score": {"fr": "Score", "en": "Score"},
    "path.status": {"fr": "Statut", "en": "Status"},
    "path.status.mastered": {"fr": "Acquis", "en": "Mastered"},
    "path.status.suggested": {"fr": "Leçons suggérées", "en": "Lessons suggested"},
    "path.status.required": {"fr": "Module obligatoire", "en": "Module required"},
    "path.your_path": {"fr": "Votre parcours", "en": "Your path"},
    "path.open_lesson": {"fr": "Ouvrir la leçon", "en": "Open the lesson"},
    "path.open_module": {"fr": "Ouvrir le module", "en": "Open the module"},
    "path.rules": {"fr": "Comment ce parcours est calculé", "en": "How this path is worked out"},
    "path.rules.text": {"fr": "Pour chaque module, 5 questions. Score ≥ {mastered} % : module acquis. Score < {required} % : module obligatoire. Entre les deux : les leçons des sous-thèmes des questions manquées sont suggérées. {mandatory}Les bonnes réponses ne sont pas affichées : les mêmes questions reviennent à l'évaluation finale.",
                        "en": "Each module has 5 questions. Score ≥ {mastered}%: module mastered. Score < {required}%: module required. In between: the lessons of the sub-topics of the missed questions are suggested. {mandatory}Correct answers are not shown: the same questions come back in the final evaluation."},
    "path.rules.mandatory": {"fr": "Dans ce cours, les modules suggérés deviennent obligatoires. ", "en": "In this course, suggested modules become mandatory. "},
    "path.final_locked": {"fr": "L'évaluation finale s'ouvre une fois l'auto-évaluation initiale envoyée.", "en": "The final evaluation opens once the initial self-assessment is submitted."},
    "path.progress": {"fr": "Progression par module", "en": "Progress per module"},
    "path.pre": {"fr": "Avant", "en": "Before"},
    "path.post": {"fr": "Après", "en": "After"},
    "path.gain": {"fr": "Gain normalisé", "en": "Normalised gain"},
    "path.gain.help": {"fr": "Gain normalisé g = (après − avant) / (100 − avant) : la part de ce qui restait à apprendre qui a été acquise.",
                       "en": "Normalised gain g = (after − before) / (100 − before): the share of what was left to learn that was learnt."},
    "path.error": {"fr": "Erreur : {error}", "en": "Error: {error}"},
    "path.lessons_for": {"fr": "Leçons à suivre :", "en": "Lessons to study:"},
    "path.nothing": {"fr": "Rien à reprendre dans ce module.", "en": "Nothing to review in this module."},
    "cert.title": {"fr": "Certificat de réalisation : ce qui est fait, ce qui reste", "en": "Certificate of completion: what is done, what is left"},
    "cert.intro": {"fr": "Le certificat est délivré quand toutes ces conditions sont remplies (règles présentées à la session de lancement).",
                   "en": "The certificate is issued once all these conditions are met (rules presented at the launch session)."},
    "cert.ready": {"fr": "Toutes les conditions sont remplies : votre certificat peut être délivré.", "en": "All conditions are met: your certificate can be issued."},
    "cert.final.done": {"fr": "Évaluation finale envoyée.", "en": "Final evaluation submitted."},
    "cert.final.left": {"fr": "Évaluation finale : pas encore envoyée.", "en": "Final evaluation: not submitted yet."},
    "cert.quizzes.done": {"fr": "Quiz des modules obligatoires faits ({modules}).", "en": "Quizzes of the mandatory modules done ({modules})."},
    "cert.quizzes.none": {"fr": "Aucun module obligatoire pour vous : pas de quiz exigé.", "en": "No mandatory module for you: no quiz required."},
    "cert.quizzes.left": {"fr": "Quiz des modules obligatoires encore à rendre : {missing}.", "en": "Quizzes of mandatory modules still to submit: {missing}."},
    "cert.quizzes.unknown": {"fr": "Quiz des modules obligatoires ({modules}) : vérifiés par l'équipe pédagogique à la délivrance.",
                             "en": "Quizzes of the mandatory modules ({modules}): checked by the course team when issuing."},
    "cert.quizzes.no_initial": {"fr": "Quiz des modules obligatoires : faites d'abord l'auto-évaluation initiale, qui les désigne.",
                                "en": "Quizzes of the mandatory modules: take the initial self-assessment first; it names them."},
    "cert.competence.done": {"fr": "QCM d'acquisition des compétences réussi : {percent} % (seuil {pass_mark} %).", "en": "Competence MCQ passed: {percent}% (pass mark {pass_mark}%)."},
    "cert.competence.left": {"fr": "QCM d'acquisition des compétences : {percent} %, il faut au moins {pass_mark} %.", "en": "Competence MCQ: {percent}%, at least {pass_mark}% is needed."},
    "cert.competence.todo": {"fr": "QCM d'acquisition des compétences : pas encore noté ; il faut au moins {pass_mark} %.", "en": "Competence MCQ: not graded yet; at least {pass_mark}% is needed."},
    "cert.competence.unknown": {"fr": "QCM d'acquisition des compétences : au moins {pass_mark} %, vérifié par l'équipe pédagogique à la délivrance.",
                                "en": "Competence MCQ: at least {pass_mark}%, checked by the course team when issuing."},
    "cert.attendance.done": {"fr": "Présence aux sessions en direct : {attended} (au moins {required} demandées).", "en": "Live sessions attended: {attended} (at least {required} required)."},
    "cert.attendance.left": {"fr": "Présence aux sessions en direct : {attended} enregistrée(s), {required} demandée(s) ; pas encore : {missing}.",
                             "en": "Live sessions attended: {attended} recorded, {required} required; not yet: {missing}."},
    "cert.criteria": {"fr": "Évaluation finale envoyée ; dans le cours 2, quiz des modules rendus obligatoires par l'auto-évaluation initiale rendus ; QCM d'acquisition des compétences réussi à {pass_mark} % au moins ; présence enregistrée à {attendance} des 3 sessions en direct au moins.",
                      "en": "Final evaluation submitted; in course 2, quizzes of the modules the initial self-assessment made mandatory submitted; competence MCQ passed with at least {pass_mark}%; attendance recorded at {attendance} of the 3 live sessions at least."},
    "cert.pdf.title": {"fr": "Certificat de réalisation", "en": "Certificate of completion"},
    "cert.pdf.programme": {"fr": "Social Economy Transition Skills (SETS) — formation de niveau CEC 4", "en": "Social Economy Transition Skills (SETS) — EQF level 4 training"},
    "cert.pdf.completed": {"fr": "a suivi et réussi le cours « {course} » ({hours} h).", "en": "has completed the course “{course}” ({hours} h)."},
    "cert.pdf.competence": {"fr": "QCM d'acquisition des compétences : {percent} % (seuil {pass_mark} %). Compétences DigComp : {digcomp}.",
                            "en": "Competence MCQ: {percent}% (pass mark {pass_mark}%). DigComp competences: {digcomp}."},
    "cert.pdf.issued": {"fr": "Délivré le {date} par {issuer}. Projet financé par l'Union européenne (HaDEA).",
                        "en": "Issued on {date} by {issuer}. Project funded by the European Union (HaDEA)."},
    "cert.pdf.verify": {"fr": "Code de vérification : {code}. Le QR code mène à la vérification de ce code ; l'attestation signée (Open Badges 3.0) est jointe à ce PDF.",
                        "en": "Verification code: {code}. The QR code leads to the verification of this code; the signed credential (Open Badges 3.0) is attached to this PDF."},
    "cert.pdf.verify_how": {"fr": "Vérifier : sets certificate verify <ce PDF> ou --code {code} ; émetteur {issuer_id}",
                            "en": "Verify: sets certificate verify <this PDF> or --code {code}; issuer {issuer_id}"},
}


def t(key: str, lang: str = "fr", **values) -> str:
    try:
        entry = MESSAGES[key]
    except KeyError:
        raise KeyError(f"no message '{key}' in sets_courseware.i18n.MESSAGES") from None
    text = entry.get(lang) or entry["fr"]
    return text.format(**values) if values else text
