#!/usr/bin/env python3
"""Write emails/wording-LANG-REASON.eml and expected.jsonl of this directory.

The bounces are made from the table S below: a Postfix-like paragraph ("pf",
the returned headers in their own part), an Exim-like indented block ("ex")
or a multipart/report DSN ("dsn"), each in the language's own words. Output
is deterministic; after a change, rewrite the golden .json files
(BK_UPDATE_GOLDEN=1 test-samples) and run
  python3 tests/check-expected.py build/bouncekit samples/i18n-wording
"""
import json, os, sys, email.header, random

OUT = os.path.dirname(os.path.abspath(__file__))
HARD = {"userunknown", "hostunknown", "hasmoved", "notaccept"}

# lang: (slug, tld, mta-display-name, subject, intro lines, replied-label, headers-label)
L = {}
def lang(slug, tld, name, subject, intro, replied, hdrs):
    L[slug] = dict(tld=tld, name=name, subject=subject, intro=intro, replied=replied, hdrs=hdrs)

lang("german", "de", "Mail Delivery System", "Unzustellbar: Angebot Nr. 2024-117",
     ["Dies ist das E-Mail-System auf mail.example.de.",
      "Ihre Nachricht konnte an einen oder mehrere Empfänger nicht zugestellt werden."],
     "Der Server antwortete", "Kopfzeilen der ursprünglichen Nachricht")
lang("french", "fr", "Système de messagerie", "Non remis : Réunion du comité",
     ["Ceci est le système de messagerie de l'hôte mail.example.fr.",
      "Votre message n'a pas pu être remis à un ou plusieurs destinataires."],
     "Le serveur a répondu", "En-têtes du message d'origine")
lang("spanish", "es", "Sistema de correo", "No se puede entregar: Presupuesto",
     ["Este es el sistema de correo del servidor mail.example.es.",
      "No se ha podido entregar su mensaje a uno o más destinatarios."],
     "El servidor respondió", "Encabezados del mensaje original")
lang("italian", "it", "Sistema di posta", "Mancato recapito: Ordine 4471",
     ["Questo è il sistema di posta dell'host mail.example.it.",
      "Il messaggio non è stato recapitato a uno o più destinatari."],
     "Il server ha risposto", "Intestazioni del messaggio originale")
lang("portuguese", "com.br", "Sistema de entrega de correio", "Mensagem não entregue: Proposta",
     ["Este é o sistema de correio do servidor mail.example.com.br.",
      "A sua mensagem não pôde ser entregue a um ou mais destinatários."],
     "O servidor respondeu", "Cabeçalhos da mensagem original")
lang("dutch", "nl", "Mailsysteem", "Onbestelbaar: Offerte",
     ["Dit is het mailsysteem op mail.example.nl.",
      "Uw bericht kon niet worden bezorgd bij een of meer ontvangers."],
     "De server antwoordde", "Kopregels van het oorspronkelijke bericht")
lang("swedish", "se", "E-postsystem", "Olevererbart: Offert",
     ["Detta är e-postsystemet på mail.example.se.",
      "Ditt meddelande kunde inte levereras till en eller flera mottagare."],
     "Servern svarade", "Rubriker från det ursprungliga meddelandet")
lang("danish", "dk", "Mailsystem", "Ikke leveret: Tilbud",
     ["Dette er mailsystemet på mail.example.dk.",
      "Din meddelelse kunne ikke leveres til en eller flere modtagere."],
     "Serveren svarede", "Overskrifter fra den oprindelige meddelelse")
lang("norwegian", "no", "E-postsystem", "Kunne ikke leveres: Tilbud",
     ["Dette er e-postsystemet på mail.example.no.",
      "Meldingen din kunne ikke leveres til en eller flere mottakere."],
     "Serveren svarte", "Overskrifter fra den opprinnelige meldingen")
lang("finnish", "fi", "Sähköpostijärjestelmä", "Toimittamaton: Tarjous",
     ["Tämä on palvelimen mail.example.fi sähköpostijärjestelmä.",
      "Viestiäsi ei voitu toimittaa yhdelle tai useammalle vastaanottajalle."],
     "Palvelin vastasi", "Alkuperäisen viestin otsikot")
lang("polish", "pl", "System pocztowy", "Niedostarczona: Oferta",
     ["To jest system pocztowy serwera mail.example.pl.",
      "Twoja wiadomość nie mogła zostać dostarczona do jednego lub więcej odbiorców."],
     "Serwer odpowiedział", "Nagłówki oryginalnej wiadomości")
lang("czech", "cz", "Poštovní systém", "Nedoručitelné: Nabídka",
     ["Toto je poštovní systém serveru mail.example.cz.",
      "Vaši zprávu nebylo možné doručit jednomu nebo více příjemcům."],
     "Server odpověděl", "Hlavičky původní zprávy")
lang("slovak", "sk", "Poštový systém", "Nedoručiteľné: Ponuka",
     ["Toto je poštový systém servera mail.example.sk.",
      "Vašu správu nebolo možné doručiť jednému alebo viacerým príjemcom."],
     "Server odpovedal", "Hlavičky pôvodnej správy")
lang("hungarian", "hu", "Levelezőrendszer", "Kézbesíthetetlen: Ajánlat",
     ["Ez a mail.example.hu kiszolgáló levelezőrendszere.",
      "Az üzenetét nem sikerült kézbesíteni egy vagy több címzettnek."],
     "A kiszolgáló válasza", "Az eredeti üzenet fejlécei")
lang("romanian", "ro", "Sistemul de e-mail", "Nelivrat: Ofertă",
     ["Acesta este sistemul de e-mail al serverului mail.example.ro.",
      "Mesajul dumneavoastră nu a putut fi livrat către unul sau mai mulți destinatari."],
     "Serverul a răspuns", "Antetele mesajului original")
lang("turkish", "com.tr", "Posta Teslim Sistemi", "Teslim edilemedi: Teklif",
     ["Bu, mail.example.com.tr sunucusunun posta sistemidir.",
      "İletiniz bir veya daha fazla alıcıya teslim edilemedi."],
     "Sunucu yanıtı", "Orijinal iletinin üst bilgileri")
lang("greek", "gr", "Σύστημα αλληλογραφίας", "Μη παραδοτέο: Προσφορά",
     ["Αυτό είναι το σύστημα αλληλογραφίας του διακομιστή mail.example.gr.",
      "Το μήνυμά σας δεν ήταν δυνατό να παραδοθεί σε έναν ή περισσότερους παραλήπτες."],
     "Ο διακομιστής απάντησε", "Κεφαλίδες του αρχικού μηνύματος")
lang("russian", "ru", "Почтовая система", "Недоставленное сообщение: Предложение",
     ["Это почтовая система сервера mail.example.ru.",
      "Ваше сообщение не удалось доставить одному или нескольким получателям."],
     "Ответ сервера", "Заголовки исходного сообщения")
lang("ukrainian", "ua", "Поштова система", "Не доставлено: Пропозиція",
     ["Це поштова система сервера mail.example.ua.",
      "Ваше повідомлення не вдалося доставити одному або кільком одержувачам."],
     "Відповідь сервера", "Заголовки вихідного повідомлення")
lang("hebrew", "co.il", "מערכת הדואר", "לא נמסר: הצעת מחיר",
     ["זוהי מערכת הדואר של השרת mail.example.co.il.",
      "לא ניתן היה למסור את ההודעה שלך לנמען אחד או יותר."],
     "תשובת השרת", "כותרות ההודעה המקורית")
lang("arabic", "ae", "نظام البريد", "تعذر التسليم: عرض سعر",
     ["هذا هو نظام البريد على الخادم mail.example.ae.",
      "تعذر تسليم رسالتك إلى واحد أو أكثر من المستلمين."],
     "رد الخادم", "رؤوس الرسالة الأصلية")
lang("persian", "ir", "سیستم پست الکترونیک", "تحویل نشد: پیشنهاد قیمت",
     ["این سیستم پست الکترونیک سرور mail.example.ir است.",
      "پیام شما به یک یا چند گیرنده تحویل داده نشد."],
     "پاسخ سرور", "سرآیندهای پیام اصلی")
lang("hindi", "in", "मेल वितरण प्रणाली", "वितरित नहीं: प्रस्ताव",
     ["यह mail.example.in सर्वर की मेल प्रणाली है।",
      "आपका संदेश एक या अधिक प्राप्तकर्ताओं को वितरित नहीं किया जा सका।"],
     "सर्वर का उत्तर", "मूल संदेश के हेडर")
lang("japanese", "jp", "メール配信システム", "配信不能: お見積りの件",
     ["こちらは mail.example.jp のメールシステムです。",
      "お客様のメールは、以下の宛先に配信できませんでした。"],
     "サーバーの応答", "元のメッセージのヘッダー")
lang("chinese-simplified", "cn", "邮件系统", "系统退信: 报价单",
     ["这是 mail.example.cn 的邮件系统。",
      "您的邮件无法投递到以下一个或多个收件人。"],
     "服务器回复", "原始邮件头")
lang("chinese-traditional", "tw", "郵件系統", "無法投遞: 報價單",
     ["這是 mail.example.tw 的郵件系統。",
      "您的郵件無法投遞給下列一位或多位收件人。"],
     "伺服器回覆", "原始郵件標頭")
lang("korean", "kr", "메일 전송 시스템", "배달 실패: 견적서",
     ["mail.example.kr 서버의 메일 시스템입니다.",
      "보내신 메일이 다음 수신자에게 전달되지 않았습니다."],
     "서버 응답", "원본 메시지 헤더")
lang("vietnamese", "vn", "Hệ thống thư", "Không thể gửi thư: Báo giá",
     ["Đây là hệ thống thư của máy chủ mail.example.vn.",
      "Thư của bạn không thể gửi tới một hoặc nhiều người nhận."],
     "Máy chủ trả lời", "Tiêu đề của thư gốc")
lang("thai", "co.th", "ระบบจดหมาย", "ส่งไม่สำเร็จ: ใบเสนอราคา",
     ["นี่คือระบบจดหมายของเซิร์ฟเวอร์ mail.example.co.th",
      "ไม่สามารถส่งข้อความของคุณถึงผู้รับอย่างน้อยหนึ่งราย"],
     "เซิร์ฟเวอร์ตอบกลับ", "ส่วนหัวของข้อความต้นฉบับ")
lang("indonesian", "co.id", "Sistem Surat", "Tidak terkirim: Penawaran",
     ["Ini adalah sistem surat pada server mail.example.co.id.",
      "Pesan Anda tidak dapat dikirim ke satu atau lebih penerima."],
     "Server menjawab", "Header pesan asli")

# (lang, reason, recipient local part, shape, code prefix or "", diag text, note)
# shape: "pf" Postfix-like paragraph, "ex" Exim-like indented block, "dsn" multipart/report
S = [
 ("german","userunknown","jonas.weber","pf","550 ","Die E-Mail-Adresse wurde nicht gefunden. Bitte prüfen Sie die Schreibweise.","Exchange's German 'address not found'"),
 ("german","expired","lena.fischer","ex","","Die Nachricht konnte seit 5 Tagen nicht zugestellt werden. Die Zustellversuche wurden eingestellt.","queue lifetime reached, no code"),
 ("french","mailboxfull","chloe.martin","pf","452 4.2.2 ","La boîte de réception du destinataire est saturée, veuillez renvoyer le message ultérieurement.","Gmail-like French full inbox"),
 ("french","systemerror","luc.moreau","dsn","451 ","Erreur temporaire du serveur, réessayez plus tard.","temporary error, DSN status 4.0.0"),
 ("spanish","suspend","lucia.garcia","pf","550 ","La cuenta del destinatario está desactivada.","disabled account"),
 ("spanish","mesgtoobig","pablo.ruiz","dsn","552 ","El tamaño del mensaje excede el tamaño máximo permitido por el servidor de destino.","size limit, DSN 5.0.0"),
 ("italian","hostunknown","giulia.rossi","ex","","Il dominio example-inesistente.it non esiste.","no code, domain does not exist"),
 ("italian","blocked","marco.bianchi","pf","554 ","Il tuo indirizzo IP 203.0.113.45 è stato bloccato. Contatta l'amministratore.","IP blocked"),
 ("portuguese","spamdetected","ana.souza","pf","550 ","Mensagem rejeitada: classificada como lixo eletrônico pelo filtro do destinatário.","classified as junk"),
 ("portuguese","userunknown","joao.silva","dsn","","O endereço de e-mail joao.silva@example.com.br não foi encontrado.","Gmail-like 'endereço não encontrado', no code"),
 ("dutch","expired","sanne.devries","ex","","Het bericht kon gedurende 4 dagen niet worden afgeleverd; de bezorgtijd is verlopen.","no code, delivery time elapsed"),
 ("dutch","mailboxfull","daan.jansen","pf","552 ","Het postvak van de ontvanger is vol.","Exchange's Dutch full mailbox"),
 ("swedish","systemerror","erik.lindqvist","pf","451 ","Tillfälligt fel på servern. Försök igen senare.","temporary fault, try later"),
 ("swedish","suspend","anna.berg","dsn","550 ","Kontot är avstängt.","account suspended, DSN 5.0.0"),
 ("danish","mesgtoobig","mads.nielsen","pf","552 ","Meddelelsen er for stor. Den overskrider den maksimale størrelse.","message too large"),
 ("danish","hostunknown","sofie.hansen","dsn","","Domænet example-ukendt.dk findes ikke.","domain does not exist, no code"),
 ("norwegian","blocked","ola.nordmann","pf","554 ","Avsenderadressen din er blokkert hos mottakeren.","sender blocked"),
 ("norwegian","spamdetected","kari.hagen","ex","550 ","Meldingen ble avvist fordi den er klassifisert som søppelpost.","classified as junk mail"),
 ("finnish","userunknown","matti.virtanen","pf","550 ","Osoitetta matti.virtanen@example.fi ei löytynyt.","Gmail-like Finnish address not found"),
 ("finnish","mailboxfull","aino.korhonen","dsn","","Vastaanottajan postilaatikko on täynnä.","mailbox full, no code"),
 ("polish","suspend","jan.kowalski","pf","550 ","Konto odbiorcy zostało zablokowane.","account blocked (suspended)"),
 ("polish","expired","anna.nowak","ex","","Nie udało się dostarczyć wiadomości w ciągu 5 dni. Czas dostarczenia upłynął.","no code, delivery time elapsed"),
 ("czech","hostunknown","petr.novak","pf","550 ","Doména example-neznama.cz neexistuje.","domain does not exist"),
 ("czech","systemerror","jana.svobodova","dsn","451 ","Dočasná chyba serveru, zkuste to prosím znovu později.","temporary server error, DSN 4.0.0"),
 ("slovak","mesgtoobig","martin.horvath","pf","552 ","Správa je príliš veľká.","message too large"),
 ("slovak","blocked","zuzana.kovacova","dsn","554 ","Vaša IP adresa 198.51.100.7 je na čiernej listine.","IP on a blocklist"),
 ("hungarian","spamdetected","istvan.nagy","pf","550 ","Az üzenetet kéretlen levélnek minősítettük, ezért elutasítottuk.","unsolicited mail"),
 ("hungarian","userunknown","eva.kovacs","pf","550 ","A címzett nem található a rendszerben.","recipient not found"),
 ("romanian","mailboxfull","andrei.popescu","pf","452 ","Căsuța poștală a destinatarului este plină.","mailbox full"),
 ("romanian","expired","maria.ionescu","dsn","","Mesajul nu a putut fi livrat în 3 zile; termenul de livrare a expirat.","no code, delivery deadline expired"),
 ("turkish","suspend","mehmet.yilmaz","pf","550 ","Alıcının hesabı askıya alınmış.","account suspended"),
 ("turkish","systemerror","ayse.demir","pf","451 ","Geçici sunucu hatası. Lütfen daha sonra tekrar deneyin.","temporary server error"),
 ("greek","userunknown","nikos.papadopoulos","pf","550 ","Η διεύθυνση nikos.papadopoulos@example.gr δεν βρέθηκε.","address not found"),
 ("greek","hostunknown","maria.georgiou","dsn","","Ο τομέας example-agnostos.gr δεν υπάρχει.","domain does not exist, no code"),
 ("russian","blocked","ivan.petrov","pf","554 ","Ваш IP-адрес 203.0.113.88 заблокирован.","IP blocked"),
 ("russian","mesgtoobig","olga.smirnova","dsn","552 ","Размер письма превышает максимально допустимый.","message size exceeds"),
 ("ukrainian","spamdetected","taras.shevchenko","pf","550 ","Повідомлення відхилено: виявлено спам.","spam detected"),
 ("ukrainian","mailboxfull","oksana.kovalenko","pf","552 ","Поштова скринька одержувача переповнена.","mailbox full"),
 ("hebrew","userunknown","david.cohen","pf","550 ","הכתובת david.cohen@example.co.il לא נמצאה.","address not found"),
 ("hebrew","expired","sarah.levi","dsn","","לא ניתן היה למסור את ההודעה במשך 5 ימים.","could not be delivered in 5 days, no code"),
 ("arabic","suspend","ahmed.hassan","pf","550 ","حساب المستلم معطل.","recipient account disabled"),
 ("arabic","systemerror","fatima.ali","dsn","451 ","خطأ مؤقت في الخادم، يرجى المحاولة لاحقا.","temporary server error"),
 ("persian","mailboxfull","ali.rezaei","pf","552 ","صندوق پستی گیرنده پر است.","mailbox full"),
 ("persian","hostunknown","zahra.ahmadi","dsn","","دامنه example-nashenakhte.ir وجود ندارد.","domain does not exist, no code"),
 ("hindi","userunknown","rahul.sharma","pf","550 ","ईमेल पता नहीं मिला।","email address not found"),
 ("hindi","blocked","priya.patel","dsn","554 ","आपके सर्वर का IP पता 192.0.2.66 अवरुद्ध कर दिया गया है।","sending IP blocked"),
 ("japanese","mesgtoobig","taro.yamada","pf","552 ","メッセージのサイズが大きすぎます。","message too large"),
 ("japanese","expired","hanako.suzuki","dsn","","5日以内に配信できませんでした。配信の有効期限が切れました。","expired after 5 days, no code"),
 ("chinese-simplified","spamdetected","wang.wei","pf","550 ","邮件被判定为垃圾邮件，已被拒收。","judged spam"),
 ("chinese-simplified","suspend","li.na","dsn","550 ","收件人帐户已冻结。","account frozen"),
 ("chinese-traditional","userunknown","chen.mei","pf","550 ","收件者地址不存在。","address does not exist"),
 ("chinese-traditional","systemerror","lin.jie","dsn","451 ","伺服器暫時無法使用，請稍後再試。","server temporarily unavailable"),
 ("korean","mailboxfull","kim.minsu","pf","452 ","받는 사람의 메일함 용량이 가득 찼습니다.","mailbox full"),
 ("korean","hostunknown","lee.jiyoung","dsn","","도메인을 찾을 수 없습니다.","domain not found, no code"),
 ("vietnamese","expired","nguyen.van.an","dsn","","Không thể gửi thư trong vòng 5 ngày; thời gian gửi đã hết hạn.","expired after 5 days"),
 ("vietnamese","blocked","tran.thi.binh","pf","554 ","Địa chỉ IP 198.51.100.23 của bạn đã bị chặn.","IP blocked"),
 ("thai","userunknown","somchai.s","pf","550 ","ไม่พบผู้รับในระบบ","recipient not found"),
 ("thai","mesgtoobig","suda.k","dsn","552 ","ข้อความมีขนาดใหญ่เกินกว่าที่เซิร์ฟเวอร์กำหนด","message too large"),
 ("indonesian","spamdetected","budi.santoso","pf","550 ","Pesan ditolak karena dianggap sebagai surel sampah.","judged junk mail"),
 ("indonesian","suspend","siti.rahayu","dsn","","Akun penerima telah dinonaktifkan.","account deactivated, no code"),
 ("german","mailboxfull","paul.mueller","pf","452 ","Der Posteingang des Empfaengers ist voll.","typed without umlauts (ae)"),
 ("czech","userunknown","tomas.dvorak","pf","550 ","Adresa prijemce neexistuje.","typed without diacritics"),
 ("polish","mailboxfull","piotr.wisniewski","ex","452 ","Skrzynka odbiorcy jest przepelniona.","typed without diacritics"),
 ("romanian","userunknown","elena.dumitru","pf","550 ","Adresa de e-mail nu a fost gasita.","typed without diacritics"),
 ("turkish","userunknown","emre.kaya","pf","550 ","Kullanici bulunamadi.","typed without Turkish letters"),
 ("vietnamese","userunknown","le.van.cuong","pf","550 ","Dia chi nguoi nhan khong ton tai.","typed without diacritics"),
 ("hungarian","mailboxfull","zoltan.toth","pf","452 ","A cimzett postafiokja megtelt.","typed without accents"),
 ("greek","suspend","eleni.nikolaou","pf","550 ","Ο λογαριασμος του παραληπτη εχει απενεργοποιηθει.","typed without accents"),
 ("french","rejected","julie.lambert","pf","553 ","Adresse de l'expéditeur invalide : le domaine de l'expéditeur n'existe pas.","the sender's address, not the recipient's"),
 ("spanish","rejected","carlos.lopez","dsn","550 ","La dirección del remitente no es válida.","the sender's address refused"),
]

ECHO = {"greek","hebrew","hindi","persian","thai","ukrainian","arabic","vietnamese","indonesian","turkish","hungarian","romanian","finnish","czech","slovak"}
PM = {"greek":"Για βοήθεια, στείλτε μήνυμα στον postmaster.",
      "hebrew":"לעזרה נוספת, שלחו הודעה אל postmaster.",
      "hindi":"सहायता के लिए postmaster को ईमेल भेजें।",
      "persian":"برای کمک بیشتر، به postmaster نامه بفرستید.",
      "thai":"หากต้องการความช่วยเหลือ โปรดส่งอีเมลถึง postmaster",
      "ukrainian":"Для допомоги напишіть на адресу postmaster.",
      "arabic":"للمساعدة، راسل postmaster.",
      "vietnamese":"Để được trợ giúp, hãy gửi thư cho postmaster.",
      "indonesian":"Untuk bantuan, kirim email ke postmaster.",
      "turkish":"Yardım için postmaster adresine e-posta gönderin.",
      "hungarian":"Segítségért írjon a postmaster címre.",
      "romanian":"Pentru asistență, scrieți la postmaster.",
      "finnish":"Lisätietoja saat lähettämällä viestin osoitteeseen postmaster.",
      "czech":"Pro pomoc napište na adresu postmaster.",
      "slovak":"Pre pomoc napíšte na adresu postmaster."}
STATUS_TEMP = {"systemerror", "mailboxfull"}  # 4xx replies used above for these

def status_for(code, reason):
    # DSN Status written by the reporting MTA when the reply carries no
    # enhanced code: only the class (RFC 3463 X.0.0)
    if code.startswith("4"):
        return "4.0.0"
    return "5.0.0"

random.seed(7)
ips = ["192.0.2.%d" % n for n in range(10, 250, 7)]

def hdrs_block(l, sender, rcpt, mid, date):
    return (f"Return-Path: <{sender}>\n"
            f"Received: from [{ips[sum(rcpt.encode()) % len(ips)]}] by mail.example.{l['tld']} with ESMTPSA; {date}\n"
            f"Message-ID: <{mid}>\n"
            f"Date: {date}\n"
            f"From: <{sender}>\n"
            f"To: <{rcpt}>\n"
            f"Subject: {l['subject'].split(': ',1)[-1]}\n"
            f"MIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n")

def enc(s):
    try:
        s.encode("ascii"); return s
    except UnicodeEncodeError:
        return email.header.Header(s, "utf-8").encode()

rows = []
n = 0
for (lg, reason, local, shape, code, diag, note) in S:
    n += 1
    l = L[lg]
    tld = l["tld"]
    rdom = f"example.{tld}" if lg not in ("portuguese",) else "example.com.br"
    rcpt = f"{local}@{rdom}" if reason != "hostunknown" else f"{local}@{diag.split()[1] if False else rdom}"
    sender = f"office@sender.example.{tld}"
    host = f"mail.example.{tld}" if False else f"mx.sender.example.{tld}"
    date = "Tue, %02d Mar 2024 %02d:%02d:%02d +0100" % (1 + n % 27, 8 + n % 10, n % 60, (n * 7) % 60)
    mid = f"{n:04d}.{local}@sender.example.{tld}"
    qid = "%X" % (0xA1B2C3D4 + n * 977)
    ip = ips[n % len(ips)]
    reply = f"{code}{diag}".strip()
    fname = f"wording-{lg}-{reason}.eml"
    head = (f"Return-Path: <>\n"
            f"Date: {date}\n"
            f"From: {enc(l['name'])} <MAILER-DAEMON@{host}>\n"
            f"To: {sender}\n"
            f"Subject: {enc(l['subject'])}\n"
            f"Message-ID: <{qid}.bounce@{host}>\n"
            f"Auto-Submitted: {'auto-generated' if shape == 'ex' else 'auto-replied'}\n"
            f"MIME-Version: 1.0\n")
    orig = hdrs_block(l, sender, rcpt, mid, date)
    if shape in ("pf", "ex"):
        body = "\n".join(l["intro"]) + "\n\n"
        if shape == "pf" and lg in ECHO:
            body = "\n".join(l["intro"]) + "\n" + PM[lg] + "\n\n"
        if shape == "pf":
            r2 = f"{code}<{rcpt}>: {diag}" if (code and lg in ECHO) else reply
            body += f"<{rcpt}>: {l['replied']} (mx.{rdom} [{ip}]):\n    {r2}\n"
        else:
            body += f"  {rcpt}\n    {reply}\n"
        b = f"=_bk_{qid}"
        msg = head + (f"Content-Type: multipart/mixed; boundary=\"{b}\"\n\n"
                      f"--{b}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"
                      f"--{b}\nContent-Type: text/rfc822-headers; charset=utf-8\nContent-Description: {l['hdrs']}\nContent-Transfer-Encoding: 8bit\n\n{orig}\n"
                      f"--{b}--\n")
    else:
        b = f"=_bk_{qid}"
        st = status_for(code, reason)
        text = "\n".join(l["intro"]) + f"\n\n    {rcpt}\n    {reply}\n"
        dcode = f"smtp; {reply}"
        ds = (f"Reporting-MTA: dns; {host}\n"
              f"Arrival-Date: {date}\n\n"
              f"Final-Recipient: rfc822; {rcpt}\n"
              f"Original-Recipient: rfc822; {rcpt}\n"
              f"Action: failed\n"
              f"Status: {st}\n")
        if code:
            ds += f"Remote-MTA: dns; mx.{rdom}\n"
        ds += f"Diagnostic-Code: {dcode}\n"
        msg = head + (f"Content-Type: multipart/report; report-type=delivery-status;\n boundary=\"{b}\"\n\n"
                      f"This is a MIME-encapsulated message.\n\n"
                      f"--{b}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n"
                      f"--{b}\nContent-Type: message/delivery-status; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{ds}\n"
                      f"--{b}\nContent-Type: text/rfc822-headers; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{orig}\n"
                      f"--{b}--\n")
    open(os.path.join(OUT, "emails", fname), "w", encoding="utf-8").write(msg)
    m = code.split()
    rows.append({"family": f"i18n-{lg}", "file": fname,
                 "recipients": [{"recipient": rcpt,
                                 "status": (m[1] if len(m) > 1 else (status_for(code, reason) if shape == "dsn" else "")),
                                 "reply_code": (m[0] if m else ""),
                                 "reason": reason, "hardbounce": reason in HARD, "feedback_type": ""}],
                 "note": f"{lg}: {note}; {'DSN' if shape=='dsn' else ('Postfix-like' if shape=='pf' else 'Exim-like')} layout"})
with open(os.path.join(OUT, "expected.jsonl"), "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows), "messages")
