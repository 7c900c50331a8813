<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AnswerActions</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the answer</source>
        <translation>Die Antwort kopieren</translation>
    </message>
    <message>
        <source>Replace &amp;input</source>
        <translation>&amp;Eingabe ersetzen</translation>
    </message>
    <message>
        <source>Replace your text with the answer</source>
        <translation>Ihren Text durch die Antwort ersetzen</translation>
    </message>
    <message>
        <source>Re&amp;try</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Run the last request again</source>
        <translation>Die letzte Anfrage noch einmal ausführen</translation>
    </message>
    <message>
        <source>Re&amp;fine</source>
        <translation>&amp;Verfeinern</translation>
    </message>
    <message>
        <source>Refine the answer</source>
        <translation>Die Antwort verfeinern</translation>
    </message>
    <message>
        <source>Shorter</source>
        <translation>Kürzer</translation>
    </message>
    <message>
        <source>Warmer</source>
        <translation>Herzlicher</translation>
    </message>
    <message>
        <source>More formal</source>
        <translation>Förmlicher</translation>
    </message>
    <message>
        <source>Something else…</source>
        <translation>Etwas anderes …</translation>
    </message>
    <message>
        <source>How should it change?</source>
        <translation>Was soll sich ändern?</translation>
    </message>
</context>
<context>
    <name>CatalogPanel</name>
    <message>
        <source>Catalog models</source>
        <translation>Modelle im Katalog</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Download size</source>
        <translation>Downloadgröße</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>Auf diesem Computer</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Why this label</source>
        <translation>Warum diese Einstufung</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <source>Download the selected catalog model</source>
        <translation>Das ausgewählte Katalogmodell herunterladen</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>Passt</translation>
    </message>
    <message>
        <source>May be slow</source>
        <translation>Eventuell langsam</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>Passt nicht</translation>
    </message>
</context>
<context>
    <name>DiffView</name>
    <message>
        <source>Proofreading changes</source>
        <translation>Korrekturen</translation>
    </message>
    <message>
        <source>No changes: the text looks right.</source>
        <translation>Keine Änderungen: Der Text scheint korrekt zu sein.</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <source>Reading your text… {0}%</source>
        <translation>Ihr Text wird gelesen … {0} %</translation>
    </message>
    <message>
        <source>Loading the model… {0}%</source>
        <translation>Das Modell wird geladen … {0} %</translation>
    </message>
    <message>
        <source>{0} Asking the cloud model (your data redacted)…</source>
        <translation>{0} Das Cloud-Modell wird gefragt (Ihre Daten unkenntlich gemacht) …</translation>
    </message>
    <message>
        <source>{0} The answer shown is the one from this device.</source>
        <translation>{0} Angezeigt wird die Antwort dieses Geräts.</translation>
    </message>
    <message>
        <source>Unexpected error: {0}: {1}</source>
        <translation>Unerwarteter Fehler: {0}: {1}</translation>
    </message>
</context>
<context>
    <name>EscalationDialog</name>
    <message>
        <source>{0} e-mail address</source>
        <translation>{0} E-Mail-Adresse</translation>
    </message>
    <message>
        <source>{0} e-mail addresses</source>
        <translation>{0} E-Mail-Adressen</translation>
    </message>
    <message>
        <source>{0} phone number</source>
        <translation>{0} Telefonnummer</translation>
    </message>
    <message>
        <source>{0} phone numbers</source>
        <translation>{0} Telefonnummern</translation>
    </message>
    <message>
        <source>{0} IBAN</source>
        <translation>{0} IBAN</translation>
    </message>
    <message>
        <source>{0} IBANs</source>
        <translation>{0} IBANs</translation>
    </message>
    <message>
        <source>{0} card number</source>
        <translation>{0} Kartennummer</translation>
    </message>
    <message>
        <source>{0} card numbers</source>
        <translation>{0} Kartennummern</translation>
    </message>
    <message>
        <source>{0} IP address</source>
        <translation>{0} IP-Adresse</translation>
    </message>
    <message>
        <source>{0} IP addresses</source>
        <translation>{0} IP-Adressen</translation>
    </message>
    <message>
        <source>{0} secret</source>
        <translation>{0} Geheimnis</translation>
    </message>
    <message>
        <source>{0} secrets</source>
        <translation>{0} Geheimnisse</translation>
    </message>
    <message>
        <source>{0} name</source>
        <translation>{0} Name</translation>
    </message>
    <message>
        <source>{0} names</source>
        <translation>{0} Namen</translation>
    </message>
    <message>
        <source>Send this request to the cloud?</source>
        <translation>Diese Anfrage an die Cloud senden?</translation>
    </message>
    <message>
        <source>Cloud escalation</source>
        <translation>Weitergabe an die Cloud</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>&lt;b&gt;Send this request to {0}?&lt;/b&gt;</source>
        <translation>&lt;b&gt;Diese Anfrage an {0} senden?&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Why the request would leave this device</source>
        <translation>Warum die Anfrage dieses Gerät verlassen würde</translation>
    </message>
    <message>
        <source>What was replaced by placeholders</source>
        <translation>Was durch Platzhalter ersetzt wurde</translation>
    </message>
    <message>
        <source>Exactly what would be sent</source>
        <translation>Genau das, was gesendet würde</translation>
    </message>
    <message>
        <source>Exactly what would be sent ({0:,} bytes; your API key is not shown):</source>
        <translation>Genau das, was gesendet würde ({0:,} Bytes; Ihr API-Schlüssel wird nicht angezeigt):</translation>
    </message>
    <message>
        <source>&amp;Send to the cloud</source>
        <translation>An die Cloud &amp;senden</translation>
    </message>
    <message>
        <source>Send this request</source>
        <translation>Diese Anfrage senden</translation>
    </message>
    <message>
        <source>&amp;Keep the answer from this device</source>
        <translation>Antwort dieses Geräts &amp;behalten</translation>
    </message>
    <message>
        <source>Send nothing</source>
        <translation>Nichts senden</translation>
    </message>
    <message>
        <source>The answer from this device is in the window; it stays if you keep it.</source>
        <translation>Die Antwort dieses Geräts steht im Fenster; sie bleibt, wenn Sie sie behalten.</translation>
    </message>
    <message>
        <source>No personal data was found to replace. Check the text below.</source>
        <translation>Es wurden keine persönlichen Daten zum Ersetzen gefunden. Prüfen Sie den Text unten.</translation>
    </message>
    <message>
        <source>Replaced by placeholders before sending: {0}. The answer gets the real values back on this device.</source>
        <translation>Vor dem Senden durch Platzhalter ersetzt: {0}. Die Antwort erhält die echten Werte auf diesem Gerät zurück.</translation>
    </message>
</context>
<context>
    <name>ExtractView</name>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Extracted fields</source>
        <translation>Extrahierte Felder</translation>
    </message>
    <message>
        <source>Extracted JSON</source>
        <translation>Extrahiertes JSON</translation>
    </message>
    <message>
        <source>Copy JSON</source>
        <translation>JSON kopieren</translation>
    </message>
    <message>
        <source>Copy the extracted JSON</source>
        <translation>Das extrahierte JSON kopieren</translation>
    </message>
    <message>
        <source>Schema problems</source>
        <translation>Probleme mit dem Schema</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>The answer does not fully match the schema: {0}</source>
        <translation>Die Antwort passt nicht ganz zum Schema: {0}</translation>
    </message>
    <message>
        <source>{0} items</source>
        <translation>{0} Einträge</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>FoundPanel</name>
    <message>
        <source>Models found on this computer</source>
        <translation>Auf diesem Computer gefundene Modelle</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Looking for models other apps downloaded…</source>
        <translation>Suche nach Modellen, die andere Apps heruntergeladen haben …</translation>
    </message>
    <message>
        <source>Search result</source>
        <translation>Suchergebnis</translation>
    </message>
    <message>
        <source>Use &amp;in place</source>
        <translation>An &amp;Ort und Stelle verwenden</translation>
    </message>
    <message>
        <source>Add the selected model to your library without copying it</source>
        <translation>Das ausgewählte Modell ohne Kopieren in Ihre Bibliothek aufnehmen</translation>
    </message>
    <message>
        <source>Look &amp;again</source>
        <translation>Erneut &amp;suchen</translation>
    </message>
    <message>
        <source>Search this computer for models again</source>
        <translation>Diesen Computer erneut nach Modellen durchsuchen</translation>
    </message>
    <message>
        <source>Found {0} model file(s). Using one keeps it where it is; Hearth never deletes it.</source>
        <translation>{0} Modelldatei(en) gefunden. Eine verwendete Datei bleibt, wo sie ist; Hearth löscht sie nie.</translation>
    </message>
    <message>
        <source>No models from other apps (LM Studio, Ollama, GPT4All, Jan, Hugging Face) were found.</source>
        <translation>Es wurden keine Modelle anderer Apps (LM Studio, Ollama, GPT4All, Jan, Hugging Face) gefunden.</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Recent requests</source>
        <translation>Letzte Anfragen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>The selected request and its result</source>
        <translation>Die ausgewählte Anfrage und ihr Ergebnis</translation>
    </message>
    <message>
        <source>History status</source>
        <translation>Status des Verlaufs</translation>
    </message>
    <message>
        <source>History is off (Settings ▸ Privacy): new requests are not kept.</source>
        <translation>Der Verlauf ist aus (Einstellungen ▸ Datenschutz): Neue Anfragen werden nicht aufbewahrt.</translation>
    </message>
    <message>
        <source>&amp;Reopen</source>
        <translation>&amp;Wieder öffnen</translation>
    </message>
    <message>
        <source>Put this request back in the window</source>
        <translation>Diese Anfrage wieder ins Fenster holen</translation>
    </message>
    <message>
        <source>C&amp;lear all…</source>
        <translation>&amp;Alle löschen …</translation>
    </message>
    <message>
        <source>Delete the whole history</source>
        <translation>Den ganzen Verlauf löschen</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Close the history</source>
        <translation>Den Verlauf schließen</translation>
    </message>
    <message>
        <source>On this device</source>
        <translation>Auf diesem Gerät</translation>
    </message>
    <message>
        <source>Cloud</source>
        <translation>Cloud</translation>
    </message>
    <message>
        <source>{0:.1f} s</source>
        <translation>{0:.1f} s</translation>
    </message>
    <message>
        <source>No requests yet.</source>
        <translation>Noch keine Anfragen.</translation>
    </message>
    <message>
        <source>Clear the history?</source>
        <translation>Verlauf löschen?</translation>
    </message>
    <message>
        <source>Delete all {0} requests from the history? This cannot be undone.</source>
        <translation>Alle {0} Anfragen aus dem Verlauf löschen? Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>unknown model</source>
        <translation>unbekanntes Modell</translation>
    </message>
    <message>
        <source>on this device</source>
        <translation>auf diesem Gerät</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>Cloud</translation>
    </message>
    <message>
        <source>first token {0:.0f} ms · {1:.1f} tokens/s</source>
        <translation>erstes Token {0:.0f} ms · {1:.1f} Tokens/s</translation>
    </message>
    <message>
        <source>scored in {0:.0f} ms</source>
        <translation>bewertet in {0:.0f} ms</translation>
    </message>
    <message>
        <source>confidence {0:.0%}</source>
        <translation>Sicherheit {0:.0%}</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>InputEditor</name>
    <message>
        <source>{0} is not a text file; open a .txt or .md file.</source>
        <translation>{0} ist keine Textdatei; öffnen Sie eine .txt- oder .md-Datei.</translation>
    </message>
    <message>
        <source>{0} is larger than 20 MB; open a smaller part of it.</source>
        <translation>{0} ist größer als 20 MB; öffnen Sie einen kleineren Teil davon.</translation>
    </message>
    <message>
        <source>Could not open {0}: {1}</source>
        <translation>{0} konnte nicht geöffnet werden: {1}</translation>
    </message>
    <message>
        <source>Your text</source>
        <translation>Ihr Text</translation>
    </message>
    <message>
        <source>Paste or type the text to work on, or drop a .txt or .md file here…</source>
        <translation>Fügen Sie den Text ein, tippen Sie ihn, oder ziehen Sie eine .txt- oder .md-Datei hierher …</translation>
    </message>
</context>
<context>
    <name>KeyWorker</name>
    <message>
        <source>The keychain failed ({0}). Unlock it and try again, or set {1} for this process instead.</source>
        <translation>Der Schlüsselbund hat versagt ({0}). Entsperren Sie ihn und versuchen Sie es erneut, oder setzen Sie stattdessen {1} für diesen Prozess.</translation>
    </message>
</context>
<context>
    <name>LabelSetEditor</name>
    <message>
        <source>Saved label set</source>
        <translation>Gespeichertes Label-Set</translation>
    </message>
    <message>
        <source>Unsaved labels</source>
        <translation>Nicht gespeicherte Labels</translation>
    </message>
    <message>
        <source>Save set…</source>
        <translation>Set speichern …</translation>
    </message>
    <message>
        <source>Save these labels as a set</source>
        <translation>Diese Labels als Set speichern</translation>
    </message>
    <message>
        <source>Delete set</source>
        <translation>Set löschen</translation>
    </message>
    <message>
        <source>Delete the chosen label set</source>
        <translation>Das gewählte Label-Set löschen</translation>
    </message>
    <message>
        <source>Calibrate</source>
        <translation>Kalibrieren</translation>
    </message>
    <message>
        <source>Calibrate the probabilities</source>
        <translation>Die Wahrscheinlichkeiten kalibrieren</translation>
    </message>
    <message>
        <source>Divide out the prompt&apos;s own bias towards some labels (recommended).</source>
        <translation>Die Vorliebe des Prompts für bestimmte Labels herausrechnen (empfohlen).</translation>
    </message>
    <message>
        <source>Labels, one per line</source>
        <translation>Labels, eines pro Zeile</translation>
    </message>
    <message>
        <source>One label per line, optionally with a description:
urgent: needs action today
  e.g. The server is down!
FYI</source>
        <translation>Ein Label pro Zeile, wahlweise mit Beschreibung:
dringend: muss heute erledigt werden
  e.g. Der Server ist ausgefallen!
zur Info</translation>
    </message>
    <message>
        <source>name: description · indented “e.g.” lines are examples</source>
        <translation>Name: Beschreibung · eingerückte „e.g.“-Zeilen sind Beispiele</translation>
    </message>
    <message>
        <source>Labels:</source>
        <translation>Labels:</translation>
    </message>
    <message>
        <source>Calibration “{0}” is neither on nor off; it was left unchanged.</source>
        <translation>Die Kalibrierung „{0}“ ist weder an noch aus; sie wurde nicht geändert.</translation>
    </message>
    <message>
        <source>The labels could not be put back: {0}</source>
        <translation>Die Labels konnten nicht wiederhergestellt werden: {0}</translation>
    </message>
    <message>
        <source>The label set “{0}” no longer exists; its labels were put back as unsaved labels.</source>
        <translation>Das Label-Set „{0}“ gibt es nicht mehr; seine Labels wurden als nicht gespeicherte Labels wiederhergestellt.</translation>
    </message>
    <message>
        <source>The label set “{0}” has changed since; the labels of that request were put back as unsaved labels.</source>
        <translation>Das Label-Set „{0}“ hat sich seitdem geändert; die Labels jener Anfrage wurden als nicht gespeicherte Labels wiederhergestellt.</translation>
    </message>
    <message>
        <source>The labels could not be written one per line exactly as they were.</source>
        <translation>Die Labels ließen sich nicht genau so, wie sie waren, eines pro Zeile schreiben.</translation>
    </message>
    <message>
        <source>Save label set</source>
        <translation>Label-Set speichern</translation>
    </message>
    <message>
        <source>Name of the label set:</source>
        <translation>Name des Label-Sets:</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Ctrl+{0}</source>
        <translation>Strg+{0}</translation>
    </message>
    <message>
        <source>Run  (Ctrl+Enter)</source>
        <translation>Ausführen  (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Run task</source>
        <translation>Aufgabe ausführen</translation>
    </message>
    <message>
        <source>Stop  (Esc)</source>
        <translation>Stoppen  (Esc)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Open text…</source>
        <translation>Text öffnen …</translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation>Eine Textdatei öffnen</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Stoppen</translation>
    </message>
    <message>
        <source>&amp;Open text…</source>
        <translation>Text ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Use a model &amp;file…</source>
        <translation>Modell&amp;datei verwenden …</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Task</source>
        <translation>&amp;Aufgabe</translation>
    </message>
    <message>
        <source>&amp;Models</source>
        <translation>&amp;Modelle</translation>
    </message>
    <message>
        <source>&amp;Manage models…</source>
        <translation>Modelle &amp;verwalten …</translation>
    </message>
    <message>
        <source>&amp;Get started…</source>
        <translation>&amp;Erste Schritte …</translation>
    </message>
    <message>
        <source>Get a model: the one recommended for this computer, a file, or one found</source>
        <translation>Ein Modell besorgen: das für diesen Computer empfohlene, eine Datei oder ein gefundenes</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>T&amp;ools</source>
        <translation>E&amp;xtras</translation>
    </message>
    <message>
        <source>&amp;History…</source>
        <translation>&amp;Verlauf …</translation>
    </message>
    <message>
        <source>&amp;About Hearth</source>
        <translation>Ü&amp;ber Hearth</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird gestoppt …</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Kopiert.</translation>
    </message>
    <message>
        <source>Replaced your text (Ctrl+Z undoes it).</source>
        <translation>Ihr Text wurde ersetzt (Strg+Z macht es rückgängig).</translation>
    </message>
    <message>
        <source>Stop the running task before reopening another.</source>
        <translation>Stoppen Sie die laufende Aufgabe, bevor Sie eine andere wieder öffnen.</translation>
    </message>
    <message>
        <source>Unknown task in the history: {0}</source>
        <translation>Unbekannte Aufgabe im Verlauf: {0}</translation>
    </message>
    <message>
        <source>Reopened from the history.</source>
        <translation>Aus dem Verlauf wieder geöffnet.</translation>
    </message>
    <message>
        <source>Text (*.txt *.md *.markdown)</source>
        <translation>Text (*.txt *.md *.markdown)</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Hearth {0}&lt;/h3&gt;&lt;p&gt;Private text work with a small language model on this computer: summarize, rewrite, classify, extract.&lt;/p&gt;&lt;p&gt;Runs models through llama.cpp. Nothing leaves the machine unless you turn cloud escalation on.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Hearth {0}&lt;/h3&gt;&lt;p&gt;Private Textarbeit mit einem kleinen Sprachmodell auf diesem Computer: zusammenfassen, umschreiben, klassifizieren, extrahieren.&lt;/p&gt;&lt;p&gt;Führt Modelle mit llama.cpp aus. Nichts verlässt den Rechner, solange Sie die Weitergabe an die Cloud nicht einschalten.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Hearth</source>
        <translation>Über Hearth</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
</context>
<context>
    <name>ModelFlows</name>
    <message>
        <source>Choose a model file</source>
        <translation>Eine Modelldatei wählen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Model manager</source>
        <translation>Modellverwaltung</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Your models</source>
        <translation>Ihre Modelle</translation>
    </message>
    <message>
        <source>&amp;Use this model</source>
        <translation>Dieses Modell &amp;verwenden</translation>
    </message>
    <message>
        <source>&amp;Import GGUF…</source>
        <translation>GGUF &amp;importieren …</translation>
    </message>
    <message>
        <source>&amp;Verify</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Use the selected model</source>
        <translation>Das ausgewählte Modell verwenden</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>Eine GGUF-Modelldatei importieren</translation>
    </message>
    <message>
        <source>Verify the selected model&apos;s file</source>
        <translation>Die Datei des ausgewählten Modells prüfen</translation>
    </message>
    <message>
        <source>Remove the selected model</source>
        <translation>Das ausgewählte Modell entfernen</translation>
    </message>
    <message>
        <source>Cancel the running operation</source>
        <translation>Den laufenden Vorgang abbrechen</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Import a .gguf file, download one from the Catalog tab, or use one another app already downloaded.</source>
        <translation>Importieren Sie eine .gguf-Datei, laden Sie eine aus dem Katalog herunter, oder verwenden Sie eine, die eine andere App schon heruntergeladen hat.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Model sources</source>
        <translation>Modellquellen</translation>
    </message>
    <message>
        <source>&amp;Your models</source>
        <translation>Ihre &amp;Modelle</translation>
    </message>
    <message>
        <source>&amp;Catalog</source>
        <translation>&amp;Katalog</translation>
    </message>
    <message>
        <source>&amp;Found on this computer</source>
        <translation>Auf diesem Computer &amp;gefunden</translation>
    </message>
    <message>
        <source>Air-gapped mode is on: nothing is downloaded. Import a GGUF file instead.</source>
        <translation>Der abgeschottete Modus ist an: Es wird nichts heruntergeladen. Importieren Sie stattdessen eine GGUF-Datei.</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>{0} wird importiert …</translation>
    </message>
    <message>
        <source>Air-gapped mode is on: Hearth downloads nothing.</source>
        <translation>Der abgeschottete Modus ist an: Hearth lädt nichts herunter.</translation>
    </message>
    <message>
        <source>Downloading {0}…</source>
        <translation>{0} wird heruntergeladen …</translation>
    </message>
    <message>
        <source>Looking for models other apps downloaded…</source>
        <translation>Suche nach Modellen, die andere Apps heruntergeladen haben …</translation>
    </message>
    <message>
        <source>Checking {0}…</source>
        <translation>{0} wird geprüft …</translation>
    </message>
    <message>
        <source>Removing {0}…</source>
        <translation>{0} wird entfernt …</translation>
    </message>
    <message>
        <source>Using {0}.</source>
        <translation>{0} wird verwendet.</translation>
    </message>
    <message>
        <source>Import a model</source>
        <translation>Ein Modell importieren</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Removed.</source>
        <translation>Entfernt.</translation>
    </message>
    <message>
        <source>Download paused. What arrived is kept; Download again resumes it.</source>
        <translation>Download angehalten. Was schon angekommen ist, bleibt erhalten; erneutes Herunterladen setzt ihn fort.</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>Abgebrochen; es wurde nichts geändert.</translation>
    </message>
</context>
<context>
    <name>ProbabilityBars</name>
    <message>
        <source>Label probabilities</source>
        <translation>Wahrscheinlichkeiten der Labels</translation>
    </message>
    <message>
        <source>Chosen label</source>
        <translation>Gewähltes Label</translation>
    </message>
    <message>
        <source>About these probabilities</source>
        <translation>Über diese Wahrscheinlichkeiten</translation>
    </message>
    <message>
        <source>Probability of {0}</source>
        <translation>Wahrscheinlichkeit von {0}</translation>
    </message>
    <message>
        <source>Calibrated for this label set: the prompt&apos;s own bias is divided out.</source>
        <translation>Für dieses Label-Set kalibriert: Die Vorliebe des Prompts ist herausgerechnet.</translation>
    </message>
    <message>
        <source>Raw probabilities from the model (calibration off).</source>
        <translation>Rohe Wahrscheinlichkeiten des Modells (Kalibrierung aus).</translation>
    </message>
</context>
<context>
    <name>ResultView</name>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>The answer appears here as it is written.</source>
        <translation>Die Antwort erscheint hier, während sie entsteht.</translation>
    </message>
    <message>
        <source>Warnings about the answer</source>
        <translation>Warnungen zur Antwort</translation>
    </message>
    <message>
        <source>Answer views</source>
        <translation>Ansichten der Antwort</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Extracted</source>
        <translation>Extrahiert</translation>
    </message>
    <message>
        <source>Changes ({0})</source>
        <translation>Änderungen ({0})</translation>
    </message>
    <message>
        <source>Corrected text</source>
        <translation>Korrigierter Text</translation>
    </message>
</context>
<context>
    <name>SchemaPicker</name>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Custom schema file</source>
        <translation>Eigene Schema-Datei</translation>
    </message>
    <message>
        <source>Open schema…</source>
        <translation>Schema öffnen …</translation>
    </message>
    <message>
        <source>Open a JSON Schema file</source>
        <translation>Eine JSON-Schema-Datei öffnen</translation>
    </message>
    <message>
        <source>Fields of the schema</source>
        <translation>Felder des Schemas</translation>
    </message>
    <message>
        <source>Schema:</source>
        <translation>Schema:</translation>
    </message>
    <message>
        <source>No file chosen yet</source>
        <translation>Noch keine Datei gewählt</translation>
    </message>
    <message>
        <source>Fields: {0}</source>
        <translation>Felder: {0}</translation>
    </message>
    <message>
        <source>Open a JSON Schema</source>
        <translation>Ein JSON-Schema öffnen</translation>
    </message>
    <message>
        <source>JSON Schema (*.json)</source>
        <translation>JSON-Schema (*.json)</translation>
    </message>
    <message>
        <source>Choose a JSON Schema file first (Open schema…).</source>
        <translation>Wählen Sie zuerst eine JSON-Schema-Datei (Schema öffnen …).</translation>
    </message>
    <message>
        <source>A schema given as a JSON object cannot be shown; pick one again.</source>
        <translation>Ein als JSON-Objekt angegebenes Schema kann nicht angezeigt werden; wählen Sie erneut eines.</translation>
    </message>
    <message>
        <source>The schema file {0} is gone; open another (Open schema…).</source>
        <translation>Die Schema-Datei {0} ist nicht mehr da; öffnen Sie eine andere (Schema öffnen …).</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Model &amp;&amp; performance</source>
        <translation>Modell &amp;&amp; Leistung</translation>
    </message>
    <message>
        <source>Privacy &amp;&amp; cloud</source>
        <translation>Datenschutz &amp;&amp; Cloud</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <source>Problem with the settings</source>
        <translation>Problem mit den Einstellungen</translation>
    </message>
    <message>
        <source>Automatic (one per core)</source>
        <translation>Automatisch (einer pro Kern)</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> Tokens</translation>
    </message>
    <message>
        <source>Context size</source>
        <translation>Kontextgröße</translation>
    </message>
    <message>
        <source>GPU offload</source>
        <translation>Auslagerung auf die GPU</translation>
    </message>
    <message>
        <source>Automatic (all layers when a GPU is available)</source>
        <translation>Automatisch (alle Schichten, wenn eine GPU vorhanden ist)</translation>
    </message>
    <message>
        <source>CPU only</source>
        <translation>Nur CPU</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuell</translation>
    </message>
    <message>
        <source> layers</source>
        <translation> Schichten</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU-Schichten</translation>
    </message>
    <message>
        <source>&amp;Threads:</source>
        <translation>&amp;Threads:</translation>
    </message>
    <message>
        <source>&amp;Context:</source>
        <translation>&amp;Kontext:</translation>
    </message>
    <message>
        <source>&amp;GPU:</source>
        <translation>&amp;GPU:</translation>
    </message>
    <message>
        <source>Changes take effect at the next request (the model reloads).</source>
        <translation>Änderungen wirken ab der nächsten Anfrage (das Modell wird neu geladen).</translation>
    </message>
    <message>
        <source>&amp;Air-gapped: nothing ever leaves this device</source>
        <translation>A&amp;bgeschottet: Nichts verlässt je dieses Gerät</translation>
    </message>
    <message>
        <source>Air-gapped mode</source>
        <translation>Abgeschotteter Modus</translation>
    </message>
    <message>
        <source>Keep the text of recent requests in History</source>
        <translation>Den Text der letzten Anfragen im Verlauf aufbewahren</translation>
    </message>
    <message>
        <source>Keep history</source>
        <translation>Verlauf aufbewahren</translation>
    </message>
    <message>
        <source>Cloud escalation</source>
        <translation>Weitergabe an die Cloud</translation>
    </message>
    <message>
        <source>Never: always answer on this device</source>
        <translation>Nie: immer auf diesem Gerät antworten</translation>
    </message>
    <message>
        <source>Ask me each time the local answer is unsure</source>
        <translation>Jedes Mal fragen, wenn die lokale Antwort unsicher ist</translation>
    </message>
    <message>
        <source>Automatically when the local answer is unsure</source>
        <translation>Automatisch, wenn die lokale Antwort unsicher ist</translation>
    </message>
    <message>
        <source>Always use the cloud</source>
        <translation>Immer die Cloud verwenden</translation>
    </message>
    <message>
        <source>Cloud provider</source>
        <translation>Cloud-Anbieter</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>the provider&apos;s, or https://…/v1</source>
        <translation>die des Anbieters oder https://…/v1</translation>
    </message>
    <message>
        <source>Cloud model</source>
        <translation>Cloud-Modell</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>stored only in the system keychain</source>
        <translation>nur im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>Save &amp;key</source>
        <translation>Schlüssel s&amp;peichern</translation>
    </message>
    <message>
        <source>Save the API key in the keychain</source>
        <translation>Den API-Schlüssel im Schlüsselbund speichern</translation>
    </message>
    <message>
        <source>Keychain status</source>
        <translation>Status des Schlüsselbunds</translation>
    </message>
    <message>
        <source>&amp;When:</source>
        <translation>&amp;Wann:</translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation>&amp;Anbieter:</translation>
    </message>
    <message>
        <source>Base &amp;URL:</source>
        <translation>Basis-&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>Air-gapped mode is on, so every cloud option is off.</source>
        <translation>Der abgeschottete Modus ist an, daher sind alle Cloud-Optionen aus.</translation>
    </message>
    <message>
        <source>Hearth follows your system&apos;s light or dark theme and its font size; change them in the system settings.</source>
        <translation>Hearth folgt dem hellen oder dunklen Design Ihres Systems und dessen Schriftgröße; ändern Sie diese in den Systemeinstellungen.</translation>
    </message>
    <message>
        <source>Choose a provider or a base URL first.</source>
        <translation>Wählen Sie zuerst einen Anbieter oder eine Basis-URL.</translation>
    </message>
    <message>
        <source>Saving the key to the keychain…</source>
        <translation>Der Schlüssel wird im Schlüsselbund gespeichert …</translation>
    </message>
    <message>
        <source>Saving the key to the keychain… Settings close once it is stored.</source>
        <translation>Der Schlüssel wird im Schlüsselbund gespeichert … Die Einstellungen schließen sich, sobald er gespeichert ist.</translation>
    </message>
    <message>
        <source>Stored the key for {0} in the keychain.</source>
        <translation>Der Schlüssel für {0} ist im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <source>The key is not stored.</source>
        <translation>Der Schlüssel ist nicht gespeichert.</translation>
    </message>
    <message>
        <source>The API key is not stored yet: choose a provider or a base URL for it, or clear the key field.</source>
        <translation>Der API-Schlüssel ist noch nicht gespeichert: Wählen Sie einen Anbieter oder eine Basis-URL dafür, oder leeren Sie das Schlüsselfeld.</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>Air-gapped: nothing leaves this device</source>
        <translation>Abgeschottet: Nichts verlässt dieses Gerät</translation>
    </message>
    <message>
        <source>Air-gapped mode</source>
        <translation>Abgeschotteter Modus</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Backend: not loaded yet</source>
        <translation>Backend: noch nicht geladen</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>No run yet</source>
        <translation>Noch kein Lauf</translation>
    </message>
    <message>
        <source>Speed of the last run</source>
        <translation>Geschwindigkeit des letzten Laufs</translation>
    </message>
    <message>
        <source>Where the answer came from</source>
        <translation>Woher die Antwort kam</translation>
    </message>
    <message>
        <source>No model yet: Models ▸ Manage models…</source>
        <translation>Noch kein Modell: Modelle ▸ Modelle verwalten …</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>Modell: {0}</translation>
    </message>
    <message>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>{0} · {1}/{2} GPU layers</source>
        <translation>{0} · {1}/{2} GPU-Schichten</translation>
    </message>
    <message>
        <source>{0} only</source>
        <translation>nur {0}</translation>
    </message>
    <message>
        <source>Cloud answer in {0:.1f} s</source>
        <translation>Cloud-Antwort in {0:.1f} s</translation>
    </message>
    <message>
        <source>First token {0:.0f} ms · {1:.1f} tokens/s</source>
        <translation>Erstes Token {0:.0f} ms · {1:.1f} Tokens/s</translation>
    </message>
    <message>
        <source>Scored in {0:.0f} ms</source>
        <translation>Bewertet in {0:.0f} ms</translation>
    </message>
    <message>
        <source>Cloud: {0}</source>
        <translation>Cloud: {0}</translation>
    </message>
    <message>
        <source>On this device (you kept it)</source>
        <translation>Auf diesem Gerät (von Ihnen behalten)</translation>
    </message>
    <message>
        <source>On this device (the cloud failed)</source>
        <translation>Auf diesem Gerät (die Cloud hat versagt)</translation>
    </message>
    <message>
        <source>On this device</source>
        <translation>Auf diesem Gerät</translation>
    </message>
    <message>
        <source>{0} · confidence {1:.0%}</source>
        <translation>{0} · Sicherheit {1:.0%}</translation>
    </message>
</context>
<context>
    <name>TaskOptions</name>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Key points</source>
        <translation>Kernpunkte</translation>
    </message>
    <message>
        <source>Numbered list</source>
        <translation>Nummerierte Liste</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Proofread</source>
        <translation>Korrekturlesen</translation>
    </message>
    <message>
        <source>Friendly</source>
        <translation>Freundlich</translation>
    </message>
    <message>
        <source>Professional</source>
        <translation>Professionell</translation>
    </message>
    <message>
        <source>Concise</source>
        <translation>Knapp</translation>
    </message>
    <message>
        <source>Custom instruction</source>
        <translation>Eigene Anweisung</translation>
    </message>
    <message>
        <source>Summarize</source>
        <translation>Zusammenfassen</translation>
    </message>
    <message>
        <source>Rewrite</source>
        <translation>Umschreiben</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>Klassifizieren</translation>
    </message>
    <message>
        <source>Extract</source>
        <translation>Extrahieren</translation>
    </message>
</context>
<context>
    <name>TaskOptionsPanel</name>
    <message>
        <source>Task options</source>
        <translation>Optionen der Aufgabe</translation>
    </message>
</context>
<context>
    <name>Transfer</name>
    <message>
        <source>{0:.2f} GB</source>
        <translation>{0:.2f} GB</translation>
    </message>
    <message>
        <source>{0:.1f} MB</source>
        <translation>{0:.1f} MB</translation>
    </message>
    <message>
        <source>{0} s left</source>
        <translation>noch {0} s</translation>
    </message>
    <message>
        <source>{0} min left</source>
        <translation>noch {0} min</translation>
    </message>
    <message>
        <source>{0:.1f} h left</source>
        <translation>noch {0:.1f} h</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Copying</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>{0} {1} of {2}</source>
        <translation>{0} {1} von {2}</translation>
    </message>
    <message>
        <source>{0}/s</source>
        <translation>{0}/s</translation>
    </message>
    <message>
        <source>resumed at {0}</source>
        <translation>fortgesetzt bei {0}</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to Hearth</source>
        <translation>Willkommen bei Hearth</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <source>Hearth works on your text with a language model that runs on this computer. Choose one of three ways to get a model; you can change it later in Models ▸ Manage models.</source>
        <translation>Hearth bearbeitet Ihren Text mit einem Sprachmodell, das auf diesem Computer läuft. Wählen Sie einen von drei Wegen zu einem Modell; ändern können Sie es später unter Modelle ▸ Modelle verwalten.</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the running operation</source>
        <translation>Den laufenden Vorgang abbrechen</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>&amp;Später</translation>
    </message>
    <message>
        <source>Close and choose a model later</source>
        <translation>Schließen und später ein Modell wählen</translation>
    </message>
    <message>
        <source>1. Download the model recommended for this computer</source>
        <translation>1. Das für diesen Computer empfohlene Modell herunterladen</translation>
    </message>
    <message>
        <source>Recommended model</source>
        <translation>Empfohlenes Modell</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <source>Download the recommended model</source>
        <translation>Das empfohlene Modell herunterladen</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; ({1}, {2} download)&lt;br&gt;{3}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; ({1}, {2} Download)&lt;br&gt;{3}</translation>
    </message>
    <message>
        <source>Air-gapped mode is on: Hearth downloads nothing.</source>
        <translation>Der abgeschottete Modus ist an: Hearth lädt nichts herunter.</translation>
    </message>
    <message>
        <source>2. Import a GGUF file you already have</source>
        <translation>2. Eine vorhandene GGUF-Datei importieren</translation>
    </message>
    <message>
        <source>Import a model file</source>
        <translation>Eine Modelldatei importieren</translation>
    </message>
    <message>
        <source>Hearth checks the file and copies it into its library. No network is needed, so this works air-gapped.</source>
        <translation>Hearth prüft die Datei und kopiert sie in seine Bibliothek. Dafür ist kein Netzwerk nötig, es geht also auch abgeschottet.</translation>
    </message>
    <message>
        <source>Import a &amp;GGUF file…</source>
        <translation>&amp;GGUF-Datei importieren …</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>Eine GGUF-Modelldatei importieren</translation>
    </message>
    <message>
        <source>3. Use a model another app already downloaded</source>
        <translation>3. Ein Modell verwenden, das eine andere App schon heruntergeladen hat</translation>
    </message>
    <message>
        <source>Models found on this computer</source>
        <translation>Auf diesem Computer gefundene Modelle</translation>
    </message>
    <message>
        <source>Looking for models other apps downloaded…</source>
        <translation>Suche nach Modellen, die andere Apps heruntergeladen haben …</translation>
    </message>
    <message>
        <source>Downloading {0}…</source>
        <translation>{0} wird heruntergeladen …</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>{0} wird importiert …</translation>
    </message>
    <message>
        <source>Checking {0}…</source>
        <translation>{0} wird geprüft …</translation>
    </message>
    <message>
        <source>Import a model</source>
        <translation>Ein Modell importieren</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>Using {0}.</source>
        <translation>{0} wird verwendet.</translation>
    </message>
    <message>
        <source>Download paused. What arrived is kept; Download again resumes it.</source>
        <translation>Download angehalten. Was schon angekommen ist, bleibt erhalten; erneutes Herunterladen setzt ihn fort.</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>Abgebrochen; es wurde nichts geändert.</translation>
    </message>
</context>
<context>
    <name>_StylePage</name>
    <message>
        <source>Style</source>
        <translation>Stil</translation>
    </message>
    <message>
        <source>Style:</source>
        <translation>Stil:</translation>
    </message>
    <message>
        <source>Custom instruction</source>
        <translation>Eigene Anweisung</translation>
    </message>
    <message>
        <source>What should change? e.g. “Make it sound like a thank-you note”</source>
        <translation>Was soll sich ändern? z. B. „Lass es wie eine Dankeskarte klingen“</translation>
    </message>
    <message>
        <source>Anything else? (optional, added to the style)</source>
        <translation>Sonst noch etwas? (optional, ergänzt den Stil)</translation>
    </message>
    <message>
        <source>Write the custom instruction first (what should change).</source>
        <translation>Schreiben Sie zuerst die eigene Anweisung (was sich ändern soll).</translation>
    </message>
    <message>
        <source>The style “{0}” is not offered any more; the style was left at {1}.</source>
        <translation>Den Stil „{0}“ gibt es nicht mehr; der Stil bleibt bei {1}.</translation>
    </message>
</context>
</TS>
