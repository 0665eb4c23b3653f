#!/usr/bin/env python3
"""Check rules/48-wording-i18n.rules phrase by phrase.

  python3 samples/i18n-wording/check-phrases.py [BIN]

Each phrase of the table P (language -> reason -> the ways systems word
it, with and without diacritics) becomes the Diagnostic-Code of a DSN
whose Status (X.0.0) decides nothing; the reason BIN reads must be the
table's. Prints the misses and N/M; exits 1 on a miss.
"""
import sys, os, json, subprocess, shutil, tempfile
P = {
    "german": {
        "blocked": ["Ihre IP-Adresse 203.0.113.5 ist gesperrt", "Absenderadresse steht auf der Sperrliste", "Der sendende Server wurde blockiert"],
        "spamdetected": ["Nachricht wurde als Spam eingestuft", "Spam-Verdacht: Nachricht abgelehnt", "unerwuenschte Werbung abgelehnt"],
        "mailboxfull": ["Der Posteingang des Empfaengers ist voll", "Speicherkontingent ueberschritten", "Postfachgröße überschritten"],
        "mesgtoobig": ["Die Nachricht ist zu groß", "Nachrichtengröße überschreitet das Limit", "E-Mail ist zu gross"],
        "suspend": ["Das Benutzerkonto wurde deaktiviert", "Postfach des Empfängers ist vorübergehend gesperrt", "inaktives Konto"],
        "hostunknown": ["Die Domain example.invalid wurde nicht gefunden", "Domäne existiert nicht", "Hostname nicht auflösbar", "weil die Domain example.invalid nicht gefunden wurde"],
        "userunknown": ["Empfänger unbekannt", "Die Adresse wurde nicht gefunden", "Benutzer jonas existiert nicht", "ungueltige Empfaengeradresse", "Empfänger müller@example.de unbekannt", "Die E-Mail-Adresse, die Sie eingegeben haben, wurde nicht gefunden"],
        "expired": ["Die Nachricht konnte seit 5 Tagen nicht zugestellt werden", "Zustellzeit abgelaufen", "zu lange in der Warteschlange"],
        "systemerror": ["Vorübergehender Fehler, bitte später erneut versuchen", "Server ist vorübergehend nicht verfügbar", "interner Serverfehler"],
        "rejected": ["Absenderadresse ungültig", "Die Absender-Adresse ist unbekannt"],
    },
    "french": {
        "blocked": ["Votre adresse IP 192.0.2.1 est bloquée", "expediteur bloque", "serveur expéditeur sur liste noire"],
        "spamdetected": ["message considéré comme du courrier indésirable", "rejete comme spam", "pourriel detecte"],
        "mailboxfull": ["boîte aux lettres du destinataire saturée", "boite de reception pleine", "dépassement de quota"],
        "mesgtoobig": ["message trop volumineux", "le message dépasse la taille maximale autorisée", "taille du message dépassée"],
        "suspend": ["compte désactivé", "la boite aux lettres est suspendue", "compte utilisateur bloqué"],
        "hostunknown": ["domaine introuvable", "le domaine example.invalid n'existe pas", "hote inconnu"],
        "userunknown": ["adresse introuvable", "destinataire inconnu", "l'utilisateur n'existe pas", "Adresse e-mail inconnue", "L'adresse de messagerie que vous avez entrée est introuvable"],
        "expired": ["n'a pas pu être remis dans les 5 jours", "délai de remise expiré", "delai depasse"],
        "systemerror": ["erreur temporaire, veuillez réessayer plus tard", "service temporairement indisponible", "erreur interne du serveur"],
        "rejected": ["adresse de l'expéditeur inconnue", "l'expéditeur est invalide"],
    },
    "spanish": {
        "blocked": ["su dirección IP está bloqueada", "remitente en lista negra", "direccion IP bloqueada"],
        "spamdetected": ["mensaje clasificado como correo no deseado", "rechazado como spam", "correo basura"],
        "mailboxfull": ["el buzón del destinatario está lleno", "buzon lleno", "cuota excedida", "la bandeja de entrada del destinatario está llena"],
        "mesgtoobig": ["el mensaje es demasiado grande", "el tamaño del mensaje excede el tamaño máximo", "tamaño máximo excedido"],
        "suspend": ["la cuenta está desactivada", "cuenta suspendida", "usuario bloqueado"],
        "hostunknown": ["dominio desconocido", "el dominio example.invalid no existe", "host desconocido"],
        "userunknown": ["usuario desconocido", "dirección no encontrada", "el destinatario no existe", "direccion de correo invalida", "No se encontró la dirección de correo electrónico que especificó"],
        "expired": ["no se pudo entregar en 5 días", "tiempo de entrega expirado", "mensaje caducado"],
        "systemerror": ["error temporal, inténtelo de nuevo más tarde", "servidor temporalmente no disponible", "error interno del servidor"],
        "rejected": ["dirección del remitente no válida", "remitente desconocido"],
    },
    "italian": {
        "blocked": ["il tuo indirizzo IP è stato bloccato", "mittente in lista nera", "indirizzo IP bloccato"],
        "spamdetected": ["messaggio classificato come posta indesiderata", "rifiutato come spam", "posta spazzatura"],
        "mailboxfull": ["la casella di posta del destinatario è piena", "casella piena", "spazio esaurito", "quota superata", "La cassetta postale del destinatario è piena"],
        "mesgtoobig": ["messaggio troppo grande", "dimensione del messaggio superata", "supera la dimensione massima"],
        "suspend": ["account disattivato", "la casella è stata sospesa", "utente disabilitato", "La cassetta postale è disattivata"],
        "hostunknown": ["dominio inesistente", "il dominio example.invalid non esiste", "host sconosciuto"],
        "userunknown": ["utente sconosciuto", "indirizzo non trovato", "il destinatario non esiste", "indirizzo email inesistente", "Impossibile trovare l'indirizzo di posta elettronica immesso"],
        "expired": ["non è stato possibile consegnarlo entro 5 giorni", "tempo di consegna scaduto", "troppo tempo in coda"],
        "systemerror": ["errore temporaneo, riprova più tardi", "servizio temporaneamente non disponibile", "errore interno del server"],
        "rejected": ["indirizzo mittente non valido", "mittente sconosciuto"],
    },
    "portuguese": {
        "blocked": ["seu endereço IP foi bloqueado", "remetente na lista negra", "endereco IP bloqueado"],
        "spamdetected": ["mensagem classificada como spam", "marcada como lixo eletrônico", "suspeita de spam"],
        "mailboxfull": ["a caixa de correio do destinatário está cheia", "caixa postal cheia", "cota excedida", "sem espaço disponível"],
        "mesgtoobig": ["a mensagem é muito grande", "tamanho da mensagem excedido", "excede o tamanho máximo"],
        "suspend": ["conta desativada", "a conta foi suspensa", "usuário bloqueado"],
        "hostunknown": ["domínio inexistente", "o domínio example.invalid não existe", "host desconhecido"],
        "userunknown": ["endereço não encontrado", "usuário desconhecido", "o destinatário não existe", "endereco de e-mail invalido", "O endereço de e-mail que você inseriu não foi encontrado"],
        "expired": ["não pôde ser entregue em 5 dias", "prazo de entrega expirado", "mensagem expirada"],
        "systemerror": ["erro temporário, tente novamente mais tarde", "servidor temporariamente indisponível", "erro interno do servidor"],
        "rejected": ["endereço do remetente inválido", "remetente desconhecido"],
    },
    "dutch": {
        "blocked": ["uw IP-adres is geblokkeerd", "afzender staat op de zwarte lijst", "IP-adres 192.0.2.1 geblokkeerd"],
        "spamdetected": ["bericht aangemerkt als spam", "ongewenste e-mail", "verdacht van spam"],
        "mailboxfull": ["het postvak van de ontvanger is vol", "mailbox is vol", "quota overschreden"],
        "mesgtoobig": ["het bericht is te groot", "berichtgrootte overschreden", "overschrijdt de maximale berichtgrootte"],
        "suspend": ["account is uitgeschakeld", "postvak geblokkeerd", "gebruiker is niet actief"],
        "hostunknown": ["domein bestaat niet", "onbekend domein", "het domein example.invalid kon niet worden gevonden"],
        "userunknown": ["adres niet gevonden", "gebruiker onbekend", "ontvanger bestaat niet", "ongeldig e-mailadres", "Het e-mailadres dat u hebt ingevoerd, is niet gevonden"],
        "expired": ["kon gedurende 4 dagen niet worden afgeleverd", "bezorgtijd verlopen", "te lang in de wachtrij"],
        "systemerror": ["tijdelijke fout, probeer het later opnieuw", "server is tijdelijk niet beschikbaar", "interne serverfout"],
        "rejected": ["afzenderadres ongeldig", "onbekende afzender"],
    },
    "swedish": {
        "blocked": ["din IP-adress är blockerad", "avsändaren är svartlistad", "avsandardomanen ar sparrad"],
        "spamdetected": ["meddelandet klassades som skräppost", "skrappost", "misstänkt spam"],
        "mailboxfull": ["mottagarens brevlåda är full", "brevladan ar full", "kvoten är överskriden"],
        "mesgtoobig": ["meddelandet är för stort", "meddelandet ar for stort", "meddelandestorleken överskriden"],
        "suspend": ["kontot är avstängt", "kontot ar inaktiverat", "brevlådan är spärrad"],
        "hostunknown": ["domänen finns inte", "okänd domän", "domanen example.invalid hittades inte"],
        "userunknown": ["adressen hittades inte", "okänd mottagare", "användaren finns inte", "ogiltig e-postadress", "E-postadressen som du angav hittades inte"],
        "expired": ["kunde inte levereras inom 5 dagar", "leveranstiden har gått ut", "för länge i kön"],
        "systemerror": ["tillfälligt fel, försök igen senare", "servern är tillfälligt otillgänglig", "forsok igen senare"],
        "rejected": ["avsändaradressen är ogiltig", "okänd avsändare"],
    },
    "danish": {
        "blocked": ["din IP-adresse er blokeret", "afsenderen er sortlistet", "afsenderdomænet er spærret"],
        "spamdetected": ["meddelelsen blev vurderet som spam", "uønsket e-mail", "mistænkt for spam"],
        "mailboxfull": ["modtagerens postkasse er fuld", "postkassen er fuld", "kvoten er overskredet"],
        "mesgtoobig": ["meddelelsen er for stor", "meddelelsesstørrelse overskredet", "overskrider den maksimale størrelse"],
        "suspend": ["kontoen er deaktiveret", "postkassen er spærret", "brugeren er lukket"],
        "hostunknown": ["domænet findes ikke", "ukendt domæne", "domaenet blev ikke fundet"],
        "userunknown": ["adressen blev ikke fundet", "ukendt modtager", "brugeren findes ikke", "ugyldig e-mailadresse", "Den mailadresse, du har angivet, blev ikke fundet"],
        "expired": ["kunne ikke leveres inden for 5 dage", "leveringstiden er udløbet", "for længe i køen"],
        "systemerror": ["midlertidig fejl, prøv igen senere", "serveren er midlertidigt utilgængelig", "prov igen senere"],
        "rejected": ["afsenderadressen er ugyldig", "ukendt afsender"],
    },
    "norwegian": {
        "blocked": ["IP-adressen din er blokkert", "avsenderen er svartelistet", "avsenderdomenet er sperret"],
        "spamdetected": ["meldingen ble klassifisert som søppelpost", "soppelpost", "uønsket e-post"],
        "mailboxfull": ["mottakerens postkasse er full", "innboksen er full", "kvoten er overskredet"],
        "mesgtoobig": ["meldingen er for stor", "meldingsstørrelsen er overskredet", "for stor melding"],
        "suspend": ["kontoen er deaktivert", "kontoen er sperret", "brukeren er stengt"],
        "hostunknown": ["domenet finnes ikke", "ukjent domene", "domenet ble ikke funnet"],
        "userunknown": ["fant ikke adressen", "ukjent mottaker", "brukeren finnes ikke", "adressen er ugyldig", "E-postadressen du skrev inn, ble ikke funnet"],
        "expired": ["kunne ikke leveres innen 5 dager", "leveringstiden er utløpt", "for lenge i køen"],
        "systemerror": ["midlertidig feil, prøv igjen senere", "serveren er midlertidig utilgjengelig", "serverfeil"],
        "rejected": ["avsenderadressen er ugyldig", "ukjent avsender"],
    },
    "finnish": {
        "blocked": ["IP-osoitteesi on estetty", "lähettäjä on estolistalla", "lahettaja on estetty"],
        "spamdetected": ["viesti tunnistettiin roskapostiksi", "roskaposti hylätty", "roskapostia"],
        "mailboxfull": ["vastaanottajan postilaatikko on täynnä", "postilaatikko on taynna", "kiintiö ylittynyt"],
        "mesgtoobig": ["viesti on liian suuri", "viestin koko ylittää sallitun rajan", "viesti on liian iso"],
        "suspend": ["käyttäjätili on suljettu", "tili on lukittu", "kayttajatili on poistettu käytöstä"],
        "hostunknown": ["verkkotunnusta example.invalid ei löydy", "verkkotunnus ei ole olemassa", "tuntematon verkkotunnus"],
        "userunknown": ["osoitetta ei löytynyt", "käyttäjää ei löydy", "tuntematon vastaanottaja", "osoitetta ei loytynyt", "Antamaasi sähköpostiosoitetta ei löytynyt"],
        "expired": ["viestiä ei voitu toimittaa 5 päivän kuluessa", "toimitusaika on umpeutunut", "liian kauan jonossa"],
        "systemerror": ["tilapäinen virhe, yritä myöhemmin uudelleen", "palvelin on tilapäisesti poissa käytöstä", "palvelinvirhe"],
        "rejected": ["lähettäjän osoite on virheellinen", "tuntematon lähettäjä"],
    },
    "polish": {
        "blocked": ["twój adres IP został zablokowany", "nadawca na czarnej liście", "adres IP zablokowany"],
        "spamdetected": ["wiadomość uznana za spam", "wiadomosc oznaczona jako spam", "niechciana poczta"],
        "mailboxfull": ["skrzynka odbiorcy jest pełna", "skrzynka pocztowa jest zapelniona", "przekroczono limit"],
        "mesgtoobig": ["wiadomość jest zbyt duża", "rozmiar wiadomości przekracza limit", "wiadomosc jest za duza"],
        "suspend": ["konto zostało zablokowane", "konto jest nieaktywne", "skrzynka została zawieszona"],
        "hostunknown": ["domena nie istnieje", "nieznana domena", "domena example.invalid nie zostala znaleziona"],
        "userunknown": ["nie znaleziono adresu", "użytkownik nie istnieje", "nieznany odbiorca", "adres nie istnieje", "Nie można odnaleźć wprowadzonego adresu e-mail"],
        "expired": ["nie udało się dostarczyć wiadomości w ciągu 5 dni", "czas dostarczenia upłynął", "zbyt długo w kolejce"],
        "systemerror": ["tymczasowy błąd, spróbuj ponownie później", "serwer jest tymczasowo niedostępny", "blad serwera"],
        "rejected": ["adres nadawcy nieznany", "nieprawidłowy nadawca"],
    },
    "czech": {
        "blocked": ["vaše IP adresa byla zablokována", "odesílatel je na černém seznamu", "IP adresa je blokovana", "odesílatel müller@example.cz je zablokován"],
        "spamdetected": ["zpráva byla vyhodnocena jako spam", "nevyžádaná pošta", "zprava oznacena jako spam"],
        "mailboxfull": ["schránka příjemce je plná", "schranka je plna", "překročena kvóta"],
        "mesgtoobig": ["zpráva je příliš velká", "velikost zprávy překračuje limit", "zprava je prilis velka"],
        "suspend": ["účet je zablokován", "ucet byl pozastaven", "schránka je deaktivována"],
        "hostunknown": ["doména neexistuje", "neznámá doména", "domena example.invalid nebyla nalezena"],
        "userunknown": ["adresa nebyla nalezena", "uživatel neexistuje", "neznámý příjemce", "uzivatel neexistuje", "Zadaná e-mailová adresa nebyla nalezena"],
        "expired": ["zprávu se nepodařilo doručit během 5 dnů", "doba doručení vypršela", "příliš dlouho ve frontě"],
        "systemerror": ["dočasná chyba, zkuste to znovu později", "server je dočasně nedostupný", "chyba serveru"],
        "rejected": ["adresa odesílatele neexistuje", "neplatný odesílatel"],
    },
    "slovak": {
        "blocked": ["vaša IP adresa je zablokovaná", "odosielateľ je na čiernej listine", "IP adresa je blokovana"],
        "spamdetected": ["správa bola vyhodnotená ako spam", "nevyžiadaná pošta", "sprava oznacena ako spam"],
        "mailboxfull": ["schránka príjemcu je plná", "schranka je plna", "prekročená kvóta"],
        "mesgtoobig": ["správa je príliš veľká", "veľkosť správy prekračuje limit", "sprava je prilis velka"],
        "suspend": ["účet je zablokovaný", "ucet bol pozastaveny", "schránka je deaktivovaná"],
        "hostunknown": ["doména neexistuje", "neznáma doména", "domena example.invalid sa nenasla"],
        "userunknown": ["adresa sa nenašla", "používateľ neexistuje", "neznámy príjemca", "pouzivatel neexistuje", "Zadaná e-mailová adresa sa nenašla"],
        "expired": ["správu sa nepodarilo doručiť počas 5 dní", "lehota na doručenie vypršala", "príliš dlho vo fronte"],
        "systemerror": ["dočasná chyba, skúste to znova neskôr", "server je dočasne nedostupný", "chyba servera"],
        "rejected": ["adresa odosielateľa neexistuje", "neplatný odosielateľ"],
    },
    "hungarian": {
        "blocked": ["az IP-cím le van tiltva", "a feladó feketelistán van", "IP cim tiltolistan van"],
        "spamdetected": ["kéretlen levél", "az üzenet spamnek minősült", "keretlen level"],
        "mailboxfull": ["a címzett postafiókja megtelt", "postafiok megtelt", "a tárhely elfogyott"],
        "mesgtoobig": ["az üzenet túl nagy", "uzenet tul nagy", "meghaladja a maximális méretet"],
        "suspend": ["a fiók le van tiltva", "felfüggesztett fiók", "a postafiók zárolva"],
        "hostunknown": ["a domain nem létezik", "ismeretlen domain", "a tartomány nem található"],
        "userunknown": ["a címzett nem található", "ismeretlen címzett", "a felhasználó nem létezik", "nem letezo felhasznalo", "A megadott e-mail-cím nem található"],
        "expired": ["5 nap alatt sem sikerült kézbesíteni", "a kézbesítési idő lejárt", "az üzenet lejárt"],
        "systemerror": ["ideiglenes hiba, próbálja újra később", "a szerver ideiglenesen nem elérhető", "szerverhiba"],
        "rejected": ["a feladó címe érvénytelen", "ismeretlen feladó"],
    },
    "romanian": {
        "blocked": ["adresa IP a fost blocată", "expeditorul este pe lista neagră", "adresa IP este blocata"],
        "spamdetected": ["mesaj considerat spam", "mesaj nesolicitat", "marcat ca spam"],
        "mailboxfull": ["căsuța poștală a destinatarului este plină", "casuta postala este plina", "cota a fost depășită", "Cutia poștală a destinatarului este plină"],
        "mesgtoobig": ["mesajul este prea mare", "dimensiunea mesajului a fost depășită", "mesajul este prea lung"],
        "suspend": ["contul este dezactivat", "contul a fost suspendat", "căsuța poștală blocată", "Cutia poștală a fost suspendată"],
        "hostunknown": ["domeniul nu există", "domeniu necunoscut", "domeniul example.invalid nu a fost gasit"],
        "userunknown": ["adresa nu a fost găsită", "utilizatorul nu există", "destinatar necunoscut", "adresa de e-mail este invalida", "Adresa de e-mail pe care ați introdus-o nu a fost găsită"],
        "expired": ["nu a putut fi livrat în 3 zile", "termenul de livrare a expirat", "mesajul a expirat"],
        "systemerror": ["eroare temporară, încercați din nou mai târziu", "serverul este temporar indisponibil", "eroare de server"],
        "rejected": ["adresa expeditorului este invalidă", "expeditor necunoscut"],
    },
    "turkish": {
        "blocked": ["IP adresiniz engellendi", "gönderen kara listede", "gonderen adresi engellenmis"],
        "spamdetected": ["istenmeyen e-posta", "ileti spam olarak algılandı", "istenmeyen posta olarak işaretlendi"],
        "mailboxfull": ["alıcının posta kutusu dolu", "posta kutusu dolu", "kota aşıldı"],
        "mesgtoobig": ["ileti çok büyük", "mesaj boyutu sınırı aştı", "ileti cok buyuk"],
        "suspend": ["hesap askıya alınmış", "kullanıcı hesabı devre dışı", "hesabi kilitli"],
        "hostunknown": ["alan adı bulunamadı", "alan adi mevcut değil", "bilinmeyen alan adı"],
        "userunknown": ["kullanıcı bulunamadı", "adres bulunamadı", "alici bulunamadi", "geçersiz alıcı", "kullanıcı hesabı bulunamadı", "Girdiğiniz e-posta adresi bulunamadı"],
        "expired": ["5 gün içinde teslim edilemedi", "teslim süresi doldu", "kuyrukta çok uzun süre kaldı"],
        "systemerror": ["geçici hata, lütfen daha sonra tekrar deneyin", "sunucu hatası", "sunucu geçici olarak kullanılamıyor"],
        "rejected": ["gönderen adresi geçersiz", "bilinmeyen gönderen"],
    },
    "greek": {
        "blocked": ["η διεύθυνση IP έχει αποκλειστεί", "ο αποστολέας είναι στη μαύρη λίστα", "διευθυνση IP εχει αποκλειστει"],
        "spamdetected": ["ανεπιθύμητο μήνυμα", "χαρακτηρίστηκε ως spam", "ανεπιθυμητη αλληλογραφια"],
        "mailboxfull": ["το γραμματοκιβώτιο του παραλήπτη είναι πλήρες", "γραμματοκιβωτιο ειναι γεματο", "υπέρβαση του ορίου αποθήκευσης"],
        "mesgtoobig": ["το μήνυμα είναι πολύ μεγάλο", "μηνυμα ειναι πολυ μεγαλο", "το μέγεθος του μηνύματος υπερβαίνει το όριο"],
        "suspend": ["ο λογαριασμός έχει απενεργοποιηθεί", "λογαριασμος εχει ανασταλει", "ο λογαριασμός είναι κλειδωμένος"],
        "hostunknown": ["ο τομέας δεν υπάρχει", "αγνωστος τομεας", "ο τομέας example.invalid δεν βρέθηκε"],
        "userunknown": ["η διεύθυνση δεν βρέθηκε", "ο χρήστης δεν υπάρχει", "αγνωστος παραληπτης", "ο παραλήπτης δεν βρέθηκε", "η διεύθυνση παραλήπτη δεν βρέθηκε", "Η διεύθυνση ηλεκτρονικού ταχυδρομείου που καταχωρήσατε δεν βρέθηκε"],
        "expired": ["δεν ήταν δυνατή η παράδοση εντός 5 ημερών", "ο χρόνος παράδοσης έληξε", "το μήνυμα έληξε"],
        "systemerror": ["προσωρινό σφάλμα, δοκιμάστε ξανά αργότερα", "σφάλμα διακομιστή", "προσωρινο σφαλμα"],
        "rejected": ["η διεύθυνση αποστολέα δεν βρέθηκε", "άγνωστος αποστολέας"],
    },
    "russian": {
        "blocked": ["ваш IP-адрес заблокирован", "отправитель в черном списке", "IP 192.0.2.1 находится в чёрном списке"],
        "spamdetected": ["письмо похоже на спам", "нежелательная почта", "сообщение отклонено как спам"],
        "mailboxfull": ["почтовый ящик получателя переполнен", "ящик полон", "недостаточно места в почтовом ящике"],
        "mesgtoobig": ["письмо слишком большое", "размер письма превышает допустимый", "сообщение слишком велико"],
        "suspend": ["учетная запись заблокирована", "почтовый ящик отключен", "аккаунт временно заблокирован"],
        "hostunknown": ["домен не найден", "домен example.invalid не существует", "неизвестный домен"],
        "userunknown": ["адрес не найден", "пользователь не найден", "получатель не существует", "несуществующий адрес", "Не удалось найти указанный адрес электронной почты"],
        "expired": ["не удалось доставить в течение 5 дней", "срок доставки истёк", "время жизни письма истекло"],
        "systemerror": ["временная ошибка, попробуйте позже", "сервер временно недоступен", "внутренняя ошибка"],
        "rejected": ["адрес отправителя не найден", "неверный адрес отправителя"],
    },
    "ukrainian": {
        "blocked": ["ваш IP-адреса заблоковано", "відправник у чорному списку", "IP заблоковано"],
        "spamdetected": ["повідомлення визнано спамом", "небажаний лист", "небажана пошта"],
        "mailboxfull": ["поштова скринька одержувача переповнена", "скринька заповнена", "перевищено квоту"],
        "mesgtoobig": ["лист завеликий", "розмір листа перевищує ліміт", "повідомлення занадто велике"],
        "suspend": ["обліковий запис заблоковано", "скринька тимчасово вимкнена", "користувач деактивований"],
        "hostunknown": ["домен не знайдено", "домен не існує", "невідомий домен"],
        "userunknown": ["адресу не знайдено", "користувача не знайдено", "одержувач не існує", "невідомий одержувач", "Не вдалося знайти вказану адресу електронної пошти"],
        "expired": ["не вдалося доставити протягом 5 днів", "термін доставки минув", "занадто довго в черзі"],
        "systemerror": ["тимчасова помилка, спробуйте пізніше", "сервер тимчасово недоступний", "помилка сервера"],
        "rejected": ["адреса відправника недійсна", "невідомий відправник"],
    },
    "hebrew": {
        "blocked": ["כתובת ה-IP שלך חסומה", "השולח ברשימה השחורה", "כתובת IP נחסמה"],
        "spamdetected": ["ההודעה סווגה כדואר זבל", "דואר זבל", "ספאם"],
        "mailboxfull": ["תיבת הדואר של הנמען מלאה", "תיבת הדואר מלאה", "חריגה ממכסת האחסון"],
        "mesgtoobig": ["ההודעה גדולה מדי", "גודל ההודעה חורג מהמותר", "הודעה גדולה מדי"],
        "suspend": ["החשבון מושבת", "החשבון הושעה", "תיבת הדואר נעולה", "החשבון זמנית מושבת"],
        "hostunknown": ["הדומיין לא קיים", "הדומיין example.invalid לא נמצא", "דומיין לא ידוע"],
        "userunknown": ["הכתובת לא נמצאה", "המשתמש אינו קיים", "הנמען לא נמצא", "משתמש לא ידוע", "כתובת הדואר האלקטרוני שהזנת לא נמצאה"],
        "expired": ["לא ניתן היה למסור את ההודעה במשך 5 ימים", "תוקף ההודעה פג", "זמן המסירה עבר"],
        "systemerror": ["שגיאה זמנית, נסו שוב מאוחר יותר", "השרת אינו זמין", "תקלה זמנית"],
        "rejected": ["כתובת השולח לא נמצאה", "השולח לא ידוע"],
    },
    "arabic": {
        "blocked": ["عنوان IP الخاص بك محظور", "المرسل في القائمة السوداء", "تم حظر عنوان IP"],
        "spamdetected": ["بريد عشوائي", "رسالة غير مرغوب فيها", "بريد مزعج"],
        "mailboxfull": ["صندوق بريد المستلم ممتلئ", "صندوق البريد ممتلئ", "تم تجاوز مساحة التخزين"],
        "mesgtoobig": ["الرسالة كبيرة جدا", "حجم الرسالة يتجاوز الحد المسموح", "تجاوزت الرسالة الحجم الأقصى"],
        "suspend": ["الحساب معطل", "تم تعطيل الحساب", "حساب المستلم موقوف", "الحساب الخاص معطل"],
        "hostunknown": ["النطاق غير موجود", "اسم النطاق غير معروف", "النطاق example.invalid غير موجود"],
        "userunknown": ["لم يتم العثور على العنوان", "المستخدم غير موجود", "المستلم غير معروف", "عنوان البريد الإلكتروني غير صالح", "تعذر العثور على عنوان البريد الإلكتروني الذي أدخلته"],
        "expired": ["تعذر تسليم الرسالة خلال 5 أيام", "انتهت مهلة التسليم", "انتهت صلاحية الرسالة"],
        "systemerror": ["خطأ مؤقت، يرجى المحاولة لاحقا", "الخادم غير متاح", "خطأ في الخادم"],
        "rejected": ["عنوان المرسل غير صالح", "المرسل غير معروف"],
    },
    "persian": {
        "blocked": ["آدرس IP شما مسدود شده است", "فرستنده در لیست سیاه است", "آی پی مسدود است"],
        "spamdetected": ["هرزنامه", "ایمیل ناخواسته", "پیام ناخواسته"],
        "mailboxfull": ["صندوق پستی گیرنده پر است", "صندوق ورودی پر شده", "فضای کافی وجود ندارد"],
        "mesgtoobig": ["پیام بیش از حد بزرگ است", "حجم پیام بیشتر از حد مجاز است", "حداکثر حجم پیام"],
        "suspend": ["حساب کاربری غیرفعال شده است", "حساب مسدود شده", "صندوق پستی معلق است"],
        "hostunknown": ["دامنه وجود ندارد", "دامنه example.invalid یافت نشد", "دامنه نامعتبر"],
        "userunknown": ["آدرس پیدا نشد", "کاربر وجود ندارد", "گیرنده یافت نشد", "آدرس ایمیل نامعتبر است", "آدرس ایمیل پیدا نشد", "آدرس ایمیلی که وارد کردید پیدا نشد"],
        "expired": ["ظرف ۵ روز تحویل داده نشد", "مهلت تحویل به پایان رسید", "پیام منقضی شد"],
        "systemerror": ["خطای موقت", "سرور موقتا در دسترس نیست", "بعدا دوباره تلاش کنید"],
        "rejected": ["آدرس فرستنده نامعتبر است", "فرستنده ناشناخته"],
    },
    "hindi": {
        "blocked": ["आपका IP पता अवरुद्ध है", "प्रेषक को ब्लॉक किया गया है", "ब्लैकलिस्ट"],
        "spamdetected": ["स्पैम", "अवांछित ईमेल", "संदेश को स्पैम माना गया"],
        "mailboxfull": ["मेलबॉक्स भर गया है", "प्राप्तकर्ता का मेलबॉक्स भरा हुआ है", "स्टोरेज सीमा पार"],
        "mesgtoobig": ["संदेश बहुत बड़ा है", "संदेश का आकार सीमा से अधिक है", "ईमेल बड़ा है"],
        "suspend": ["खाता निलंबित कर दिया गया है", "उपयोगकर्ता खाता निष्क्रिय है", "खाता अक्षम", "उपयोगकर्ता का खाता निलंबित"],
        "hostunknown": ["डोमेन मौजूद नहीं है", "अज्ञात डोमेन", "डोमेन नहीं मिला"],
        "userunknown": ["पता नहीं मिला", "प्राप्तकर्ता मौजूद नहीं है", "उपयोगकर्ता नहीं मिला", "अमान्य पता", "आपके द्वारा दर्ज किया गया ईमेल पता नहीं मिला"],
        "expired": ["5 दिनों के भीतर संदेश वितरित नहीं किया जा सका", "डिलीवरी का समय समाप्त", "वितरण समय सीमा समाप्त"],
        "systemerror": ["अस्थायी त्रुटि", "सर्वर त्रुटि", "कृपया बाद में पुनः प्रयास करें"],
        "rejected": ["प्रेषक का पता अमान्य है", "प्रेषक अज्ञात"],
    },
    "japanese": {
        "blocked": ["送信元IPアドレスがブロックされています", "ブラックリストに登録されています", "送信者はブロックされています"],
        "spamdetected": ["迷惑メールと判定されました", "スパムとして拒否", "迷惑メール判定"],
        "mailboxfull": ["受信者のメールボックスがいっぱいです", "メールボックスの容量を超過", "空き容量が不足しています"],
        "mesgtoobig": ["メッセージのサイズが大きすぎます", "メールサイズ超過", "最大サイズを超えています"],
        "suspend": ["アカウントが停止されています", "このユーザーは利用停止中です", "メールアドレスは無効化されています"],
        "hostunknown": ["ドメインが存在しません", "ホストが見つかりません", "存在しないドメイン"],
        "userunknown": ["宛先のメールアドレスが存在しません", "ユーザー不明", "アドレスが見つかりません", "存在しないユーザー", "入力したメール アドレスが見つかりませんでした"],
        "expired": ["5日以内に配信できませんでした", "配信の有効期限が切れました", "再送期限を超過しました"],
        "systemerror": ["一時的なエラーが発生しました", "サーバーエラー", "しばらくしてから再度お試しください"],
        "rejected": ["差出人のアドレスが見つかりません", "送信者アドレスが不正です"],
    },
    "chinese-simplified": {
        "blocked": ["发件人IP已被列入黑名单", "您的服务器已被封禁", "IP地址被拦截"],
        "spamdetected": ["邮件被判定为垃圾邮件", "垃圾邮件", "疑似垃圾内容"],
        "mailboxfull": ["收件人邮箱已满", "邮箱空间不足", "超出邮箱配额"],
        "mesgtoobig": ["邮件大小超过限制", "邮件超过最大大小", "信件过大"],
        "suspend": ["收件人帐户已冻结", "账户已停用", "邮箱已被禁用"],
        "hostunknown": ["域名不存在", "找不到域名", "主机无法解析"],
        "userunknown": ["收件人不存在", "用户不存在", "找不到该收件人", "邮件地址无效", "找不到你输入的电子邮件地址"],
        "expired": ["5天内无法投递", "投递超时", "邮件已过期"],
        "systemerror": ["服务器暂时不可用", "系统错误", "请稍后重试"],
        "rejected": ["发件人地址不存在", "发件人被拒绝"],
    },
    "chinese-traditional": {
        "blocked": ["寄件人IP已被列入黑名單", "您的伺服器已被封鎖", "IP位址被攔截"],
        "spamdetected": ["郵件被判定為垃圾郵件", "垃圾郵件", "疑似垃圾內容"],
        "mailboxfull": ["收件者信箱已滿", "信箱空間不足", "超出信箱配額"],
        "mesgtoobig": ["郵件大小超過限制", "郵件超過最大大小", "信件過大"],
        "suspend": ["帳戶已凍結", "帳號已停用", "信箱已被禁用"],
        "hostunknown": ["網域不存在", "找不到網域", "主機無法解析"],
        "userunknown": ["收件者不存在", "使用者不存在", "找不到該收件者", "電子郵件地址無效", "找不到您輸入的電子郵件地址"],
        "expired": ["5天內無法投遞", "投遞逾時", "郵件已過期"],
        "systemerror": ["伺服器暫時無法使用", "系統錯誤", "請稍後再試"],
        "rejected": ["寄件者地址不存在", "寄件人無效"],
    },
    "korean": {
        "blocked": ["발신 IP가 차단되었습니다", "발신자가 블랙리스트에 등록되어 있습니다", "IP 주소 차단"],
        "spamdetected": ["스팸으로 분류되었습니다", "스팸 메일", "광고성 메일"],
        "mailboxfull": ["받는 사람의 메일함이 가득 찼습니다", "메일함 용량 초과", "사서함이 꽉 찼습니다"],
        "mesgtoobig": ["메시지 크기가 너무 큽니다", "메일 크기가 제한을 초과", "최대 메시지 크기를 초과"],
        "suspend": ["계정이 비활성화되었습니다", "사용자 계정이 정지되었습니다", "계정이 잠겨 있습니다"],
        "hostunknown": ["도메인을 찾을 수 없습니다", "존재하지 않는 도메인", "호스트를 찾을 수 없습니다"],
        "userunknown": ["주소를 찾을 수 없습니다", "존재하지 않는 사용자", "수신자를 찾을 수 없습니다", "사용자가 존재하지 않습니다", "입력한 전자 메일 주소를 찾을 수 없습니다"],
        "expired": ["5일 동안 전달하지 못했습니다", "전달 시간이 만료되었습니다", "메시지의 유효 기간이 만료"],
        "systemerror": ["일시적인 오류가 발생했습니다", "서버 오류", "잠시 후 다시 시도해 주세요"],
        "rejected": ["보낸 사람 주소를 찾을 수 없습니다", "발신자가 유효하지 않습니다"],
    },
    "vietnamese": {
        "blocked": ["địa chỉ IP của bạn đã bị chặn", "người gửi nằm trong danh sách đen", "dia chi IP bi chan"],
        "spamdetected": ["thư bị đánh dấu là spam", "thư rác", "thu rac"],
        "mailboxfull": ["hộp thư của người nhận đã đầy", "hop thu da day", "vượt quá dung lượng"],
        "mesgtoobig": ["thư quá lớn", "kích thước thư vượt quá giới hạn", "thu qua lon"],
        "suspend": ["tài khoản đã bị khóa", "tai khoan da bi vo hieu hoa", "hộp thư tạm ngưng", "tài khoản của bạn đã bị khóa"],
        "hostunknown": ["tên miền không tồn tại", "ten mien khong ton tai", "không tìm thấy tên miền"],
        "userunknown": ["không tìm thấy địa chỉ", "địa chỉ không tồn tại", "nguoi nhan khong ton tai", "tài khoản không tồn tại", "địa chỉ thư điện tử không tồn tại", "Không tìm thấy địa chỉ email bạn đã nhập"],
        "expired": ["không thể gửi thư trong vòng 5 ngày", "thời gian gửi đã hết hạn", "thu da het han"],
        "systemerror": ["lỗi tạm thời, vui lòng thử lại sau", "máy chủ tạm thời không khả dụng", "loi may chu"],
        "rejected": ["địa chỉ người gửi không hợp lệ", "người gửi không tồn tại"],
    },
    "thai": {
        "blocked": ["ที่อยู่ IP ของคุณถูกบล็อก", "ผู้ส่งอยู่ในบัญชีดำ", "IP ถูกปิดกั้น"],
        "spamdetected": ["สแปม", "อีเมลขยะ", "จดหมายขยะ"],
        "mailboxfull": ["กล่องจดหมายของผู้รับเต็ม", "พื้นที่จัดเก็บไม่เพียงพอ", "เกินโควต้า"],
        "mesgtoobig": ["ข้อความมีขนาดใหญ่เกินไป", "ขนาดของอีเมลเกินกำหนด", "เกินขนาดสูงสุด"],
        "suspend": ["บัญชีผู้ใช้ถูกระงับ", "บัญชีนี้ถูกปิดใช้งาน", "กล่องจดหมายถูกล็อก", "บัญชีของผู้ใช้ถูกระงับ"],
        "hostunknown": ["ไม่พบโดเมน", "โดเมนไม่มีอยู่", "โดเมน example.invalid ไม่มีอยู่จริง"],
        "userunknown": ["ไม่พบผู้รับ", "ไม่พบที่อยู่อีเมล", "ผู้ใช้ไม่มีอยู่", "ที่อยู่อีเมลไม่ถูกต้อง", "ไม่พบที่อยู่อีเมลที่คุณป้อน"],
        "expired": ["ไม่สามารถส่งได้ภายใน 5 วัน", "หมดเวลาการส่ง", "ข้อความหมดอายุ"],
        "systemerror": ["ข้อผิดพลาดชั่วคราว", "เซิร์ฟเวอร์ไม่พร้อมใช้งาน", "โปรดลองใหม่อีกครั้งภายหลัง"],
        "rejected": ["ที่อยู่ผู้ส่งไม่ถูกต้อง", "ผู้ส่งถูกปฏิเสธ"],
    },
    "indonesian": {
        "blocked": ["alamat IP Anda diblokir", "pengirim masuk daftar hitam", "server pengirim telah diblokir"],
        "spamdetected": ["pesan dianggap sebagai spam", "email sampah", "dicurigai spam"],
        "mailboxfull": ["kotak surat penerima penuh", "kuota penyimpanan habis", "kotak masuk sudah penuh"],
        "mesgtoobig": ["pesan terlalu besar", "ukuran pesan melebihi batas", "melebihi ukuran maksimum"],
        "suspend": ["akun telah dinonaktifkan", "akun penerima ditangguhkan", "kotak surat dikunci", "akun pengguna ini telah dinonaktifkan"],
        "hostunknown": ["domain tidak ditemukan", "domain example.invalid tidak ada", "nama domain tidak dikenal"],
        "userunknown": ["alamat tidak ditemukan", "pengguna tidak dikenal", "penerima tidak ditemukan", "alamat email tidak valid", "Alamat email yang Anda masukkan tidak ditemukan"],
        "expired": ["tidak dapat dikirim dalam 5 hari", "batas waktu pengiriman habis", "pesan kedaluwarsa"],
        "systemerror": ["kesalahan sementara, coba lagi nanti", "server sedang tidak tersedia", "gangguan sistem"],
        "rejected": ["alamat pengirim tidak valid", "pengirim ditolak"],
    },
}

d = tempfile.mkdtemp(prefix='bk-phrases-')
meta = {}
i = 0
for lg, rs in P.items():
    for reason, phs in rs.items():
        for ph in phs:
            i += 1
            f = f"{i:04d}.eml"; meta[f] = (lg, reason, ph)
            st = "4.0.0" if reason in ("systemerror", "mailboxfull", "expired") else "5.0.0"
            m = f"""From: MAILER-DAEMON@mx.example.org
To: a@example.org
Subject: x
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

x

--b
Content-Type: message/delivery-status; charset=utf-8
Content-Transfer-Encoding: 8bit

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; u{i}@example.net
Action: failed
Status: {st}
Diagnostic-Code: smtp; {ph}

--b--
"""
            open(os.path.join(d, f), 'w', encoding='utf-8').write(m)
bin_ = sys.argv[1] if len(sys.argv) > 1 else 'build/bouncekit'
out = subprocess.run([bin_, 'scan', '--quiet', '--format', 'json', d], capture_output=True, text=True).stdout
got = {}
for l in out.splitlines():
    o = json.loads(l); got[os.path.basename(o['source'])] = (o['reason'], o['rule'])
bad = 0
for f, (lg, reason, ph) in sorted(meta.items()):
    r = got.get(f, (None, None))
    if r[0] != reason:
        bad += 1; print(f"{lg:20} {reason:13} got {r[0]} ({r[1]}): {ph}")
print(f"{len(meta)-bad}/{len(meta)} phrases")
shutil.rmtree(d)
sys.exit(1 if bad else 0)
